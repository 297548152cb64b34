// The browser search engine: reads the static index (kbtools/search/README.md) and ranks
// exactly like kbtools/search/engine.py, step by step (tests compare their top 10).
// Fetches only what a query needs and caches every file it fetched.
import { ANALYZER_ID, analyze, normalize, stem, words } from "./analysis.js";

export const FORMAT = "kb-search-index";
export const VERSION = 1;
const MAX_QUERY_CHARS = 500;
const MAX_CLAUSES = 32;
const PHRASE = /"([^"]*)"/g;
const ALPHA = /^[a-z]+$/;
const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;
const LN2 = 0.6931471805599453;

export class IndexFormatError extends Error {}

/** Natural log from + - * / only: the same bits as engine.py's ln(). */
export function ln(x) {
  let e = 0;
  while (x >= 2.0) { x /= 2.0; e += 1; }
  while (x < 1.0) { x *= 2.0; e -= 1; }
  const z = (x - 1.0) / (x + 1.0), z2 = z * z;
  let term = z, total = 0.0, k = 1;
  for (;;) {
    const next = total + term / k;
    if (next === total) break;
    total = next; term *= z2; k += 2;
  }
  return 2.0 * total + e * LN2;
}

export function power(x, p) {
  if (Number.isInteger(p) && p >= 0 && p <= 16) {
    let out = 1.0;
    for (let i = 0; i < p; i++) out *= x;
    return out;
  }
  return Math.pow(x, p);
}

export function bm25(idf, tf, fl, avgfl, B, K1) {
  return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)));
}

/** Levenshtein distance with adjacent transpositions; limit+1 when larger. */
export function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = [], prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    prev2 = prev; prev = cur;
  }
  return prev[b.length];
}

function readVarint(buf, off) {
  let n = 0, mul = 1;
  for (;;) {
    const b = buf[off++];
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, off];
    mul *= 128;
  }
}

const CODE = /^(?=[a-z0-9._-]*[0-9])(?=[a-z0-9._-]*[a-z._-])[a-z0-9._-]{4,}$/;
/** An error code, version or product code (see engine.py is_code). */
export const isCode = (term) => CODE.test(term);
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const dfOf = (e) => e[4].reduce((s, x) => s + x, 0);

/** The best `limit` of `docs` as [[doc, score]], by score then document number: the first
 * `limit` of a full sort (the order is total), without sorting every matching document. */
export function topK(docs, score, limit) {
  const better = (a, b) => score[b] - score[a] || a - b;
  const top = [];
  for (const d of docs) {
    if (top.length >= limit && (limit <= 0 || better(d, top[top.length - 1]) >= 0)) continue;
    let i = top.length;
    while (i > 0 && better(d, top[i - 1]) < 0) i -= 1;
    top.splice(i, 0, d);
    if (top.length > limit) top.pop();
  }
  return top.map((d) => [d, score[d]]);
}

/** Browser loader: fetch relative to the index folder. */
function httpLoader(base) {
  const get = async (rel) => {
    const res = await fetch(new URL(rel, base));
    if (!res.ok) throw new Error(`search index: ${rel}: HTTP ${res.status}`);
    return res;
  };
  return {
    text: async (rel) => (await get(rel)).text(),
    bytes: async (rel) => new Uint8Array(await (await get(rel)).arrayBuffer()),
  };
}

export class Index {
  /** @param {any} manifest @param {{text:(r:string)=>Promise<string>, bytes:(r:string)=>Promise<Uint8Array>}} loader */
  constructor(manifest, loader) {
    this.manifest = manifest;
    this.loader = loader;
    this.stops = new Set(manifest.stop_words);
    this.starts = manifest.term_shards;
    this.cache = new Map();
  }

  _once(key, make) {
    if (!this.cache.has(key)) {
      const p = make();
      p.catch(() => this.cache.delete(key));  // a failed fetch is retried next time
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  shard(i) {
    return this._once(`t${i}`, async () => {
      const out = new Map();
      for (const line of (await this.loader.text(`t/${i}.txt`)).split("\n")) {
        if (!line) continue;
        const [t, f, p, x, dfs] = line.split("\t");
        out.set(t, [t, +f, +p, +x, dfs.split(",").map(Number)]);
      }
      return out;
    });
  }

  data(kind, n) { return this._once(`${kind}${n}`, () => this.loader.bytes(`${kind}/${n}.bin`)); }

  json(rel) {
    return this._once(rel, async () => {
      try { return JSON.parse(await this.loader.text(rel)); } catch (e) { return null; }
    });
  }

  doc(n) { return this.json(`d/${n}.json`); }

  _shardOf(term) {
    let lo = 0, hi = this.starts.length;  // bisect_right
    while (lo < hi) { const mid = (lo + hi) >> 1; if (term < this.starts[mid]) hi = mid; else lo = mid + 1; }
    return lo - 1;
  }

  async lookup(term) {
    const i = this._shardOf(term);
    return i >= 0 ? (await this.shard(i)).get(term) || null : null;
  }

  async withPrefix(prefix) {
    let i = Math.max(0, this._shardOf(prefix));
    const out = [];
    while (i < this.starts.length && (this.starts[i] <= prefix || this.starts[i].startsWith(prefix))) {
      for (const [t, e] of await this.shard(i)) if (t.startsWith(prefix)) out.push(e);
      i += 1;
    }
    return out;
  }

  postings(entry) {
    // Decoded once per term: typing re-scores the same terms at every keystroke.
    return this._once(`P${entry[0]}`, () => this._decodePostings(entry));
  }

  async _decodePostings(entry) {
    const buf = await this.data("p", entry[1]);
    let off = entry[2];
    const out = [];
    for (const df of entry[4]) {
      const rows = [];
      let doc = 0;
      for (let k = 0; k < df; k++) {
        let delta, tf, norm;
        [delta, off] = readVarint(buf, off);
        [tf, off] = readVarint(buf, off);
        [norm, off] = readVarint(buf, off);
        doc += delta;
        rows.push([doc, tf, norm]);
      }
      out.push(rows);
    }
    return out;
  }

  /** One term's weighted BM25F sum per document, over all fields (before the variant's
   * weight): it depends only on the term, so it is computed once and reused at every key. */
  termScores(entry) {
    return this._once(`S${entry[0]}`, async () => {
      const m = this.manifest, { weights, B, K1 } = m.ranking;
      const per = new Map();
      (await this.postings(entry)).forEach((rows, f) => {
        const w = weights[f];
        if (!rows.length || !w) return;
        const idf = ln(m.doc_count / (rows.length + 1)) + 1;
        for (const [doc, tf, norm] of rows) {
          per.set(doc, (per.get(doc) || 0.0) + bm25(idf, tf, m.length_table[norm], m.avgfl[f], B, K1) * w);
        }
      });
      return { docs: Int32Array.from(per.keys()), sums: Float64Array.from(per.values()) };
    });
  }

  async positions(entry) {
    const rows = await this.postings(entry);
    const buf = await this.data("x", entry[1]);
    let off = entry[3];
    return rows.map((fieldRows) => {
      const per = new Map();
      for (const [doc, tf] of fieldRows) {
        const pos = [];
        let p = 0;
        for (let k = 0; k < tf; k++) { let d; [d, off] = readVarint(buf, off); p += d; pos.push(p); }
        per.set(doc, pos);
      }
      return per;
    });
  }

  async parse(query) {
    const r = this.manifest.ranking;
    query = Array.from(query).slice(0, MAX_QUERY_CHARS).join("");
    const phrases = [...query.matchAll(PHRASE)].map((m) => analyze(m[1], this.stops)).filter((p) => p.length > 1);
    const plain = query.replaceAll('"', " ");
    const clauses = [];
    const byTerm = new Map();
    for (const [t] of analyze(plain, this.stops)) {
      if (!byTerm.has(t) && clauses.length < MAX_CLAUSES) {
        const c = { term: t, variants: [], word: "", correction: "" };
        byTerm.set(t, c);
        clauses.push(c);
      }
    }
    const synonyms = (r.synonym && this.manifest.synonyms) || {};
    const entries = await Promise.all(clauses.map((c) => this.lookup(c.term)));
    const synEntries = await Promise.all(clauses.map((c) =>
      Promise.all((Object.hasOwn(synonyms, c.term) ? synonyms[c.term] : []).map(async (o) => [o, await this.lookup(o)]))));
    clauses.forEach((c, i) => {
      if (entries[i]) c.variants.push([c.term, isCode(c.term) ? (r.code ?? 1.0) : 1.0, entries[i]]);
      for (const [o, e] of synEntries[i]) if (e) c.variants.push([o, r.synonym, e]);
    });
    const raw = words(plain);
    const typing = raw.length && ENDS_IN_WORD.test(normalize(query)) ? raw[raw.length - 1] : "";
    if (typing && ALPHA.test(typing) && typing.length >= 3 && byTerm.has(stem(typing))) {
      const c = byTerm.get(stem(typing));
      const have = new Set(c.variants.map((v) => v[0]));
      const more = (await this.withPrefix(typing)).filter((e) => !have.has(e[0]))
        .sort((a, b) => dfOf(b) - dfOf(a) || cmp(a[0], b[0]));
      for (const e of more.slice(0, r.prefix_max)) c.variants.push([e[0], r.prefix, e]);
    }
    const unknown = [...new Set(raw)].filter((w) => {
      const c = ALPHA.test(w) ? byTerm.get(stem(w)) : undefined;
      return c && !c.variants.length && w.length >= 4;
    });
    const found = await Promise.all(unknown.map((w) => this.corrections(w)));  // in parallel
    for (const [k, w] of unknown.entries()) {
      const c = byTerm.get(stem(w));
      if (c.variants.length) continue;  // two spellings of one stem: the first one's corrections win
      const fixes = found[k].slice(0, r.fuzzy_max);
      for (const [dist, , t, e] of fixes) c.variants.push([t, dist === 1 ? r.fuzzy : r.fuzzy * r.fuzzy, e]);
      if (fixes.length) { c.word = w; c.correction = fixes[0][4]; }
    }
    return { clauses, phrases };
  }

  async corrections(word) {
    const limit = word.length < 8 ? 1 : 2;
    const best = new Map();
    const files = this.manifest.word_files;
    const better = (a, b) => a[0] - b[0] || a[1] - b[1];
    const names = [];
    for (let n = word.length - limit; n <= word.length + limit; n++) if (`${word[0]}${n}` in files) names.push(`${word[0]}${n}`);
    // Fetch in parallel, then walk the candidates in the same order as engine.py.
    const lists = await Promise.all(names.map((name) => this.json(`w/${name}.json`)));
    const close = [];
    for (const list of lists) {
      for (const cand of list || []) {
        const d = editDistance(word, cand, limit);
        if (d <= limit) close.push([d, cand, stem(cand)]);
      }
    }
    const entries = await Promise.all(close.map(([, , t]) => this.lookup(t)));
    close.forEach(([d, cand, t], i) => {
      const e = entries[i];
      if (!e) return;
      const row = [d, -dfOf(e), t, e, cand];
      const old = best.get(t);
      if (!old || better(row, old) < 0 || (better(row, old) === 0 && cand < old[4])) best.set(t, row);
    });
    return [...best.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1] || cmp(a[2], b[2]));
  }

  async phraseDocs(phrase) {
    const entries = await Promise.all(phrase.map(([t]) => this.lookup(t)));
    const found = new Set();
    if (entries.some((e) => !e)) return found;
    const pos = await Promise.all(entries.map((e) => this.positions(e)));
    const base = phrase[0][1];
    for (let f = 0; f < this.manifest.fields.length; f++) {
      for (const [d, first] of pos[0][f]) {
        if (!pos.every((p) => p[f].has(d))) continue;
        let starts = new Set(first);
        phrase.slice(1).forEach(([, off], k) => {
          const here = new Set(pos[k + 1][f].get(d).map((x) => x - (off - base)));
          starts = new Set([...starts].filter((s) => here.has(s)));
        });
        if (starts.size) found.add(d);
      }
    }
    return found;
  }

  /** Ranked documents: {hits: [[doc, score]], total, didYouMean, terms, clauses}. */
  async run(query, limit = 10, filters = {}) {
    const m = this.manifest, r = m.ranking;
    const { clauses, phrases } = await this.parse(query);
    const active = clauses.filter((c) => c.variants.length);
    // Dense arrays indexed by document number: the same float operations in the same order
    // as engine.py's dicts, without a Map lookup per posting (typing re-runs this every key).
    const total = new Float64Array(m.doc_count), best = new Float64Array(m.doc_count);
    const matched = new Uint32Array(m.doc_count);
    const seen = [];
    for (const c of active) {
      const touched = [];
      for (const [, vw, e] of c.variants) {
        const { docs, sums } = await this.termScores(e);
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i], s = sums[i] * vw;
          if (s > best[doc]) { if (best[doc] === 0) touched.push(doc); best[doc] = s; }
        }
      }
      for (const doc of touched) {
        if (!matched[doc]) seen.push(doc);
        total[doc] = total[doc] + best[doc];
        matched[doc] += 1;
        best[doc] = 0;
      }
    }
    if (r.coord && active.length) {
      for (const doc of seen) total[doc] = total[doc] * power(matched[doc] / active.length, r.coord);
    }
    let kept = seen;
    for (const ph of phrases) {
      const keep = await this.phraseDocs(ph);
      kept = kept.filter((d) => keep.has(d));
    }
    for (const [name, values] of Object.entries(filters || {})) {
      if (!values || !values.length) continue;
      const lists = (await this.json(`f/${name}.json`)) || {};
      const allowed = new Set(values.flatMap((v) => (Object.hasOwn(lists, v) ? lists[v] : [])));
      kept = kept.filter((d) => allowed.has(d));
    }
    const ranked = topK(kept, total, limit);
    let didYouMean = "";
    const fixes = clauses.filter((c) => c.correction);
    if (fixes.length) {
      didYouMean = Array.from(query).slice(0, MAX_QUERY_CHARS).join("");
      for (const c of fixes) {
        didYouMean = didYouMean.replace(new RegExp(`(?<![\\p{L}\\p{N}])${c.word}(?![\\p{L}\\p{N}])`, "giu"), () => c.correction);
      }
    }
    const terms = new Set(active.flatMap((c) => c.variants.map((v) => v[0])));
    return { hits: ranked, total: kept.length, didYouMean, terms };
  }

  /** Results ready to show: document data, the best section, a snippet. */
  async search(query, { limit = 10, filters = {} } = {}) {
    const res = await this.run(query, limit, filters);
    const docs = await Promise.all(res.hits.map(([n]) => this.doc(n)));
    const hits = res.hits.map(([n, score], i) => {
      const d = docs[i] || { id: "", title: "", url: "", type: "", crumbs: [], sections: [] };
      const { section, snippet } = this.snippet(d, res.terms);
      return { doc: n, score, id: d.id, title: d.title, url: d.url, type: d.type, crumbs: d.crumbs || [], section, snippet };
    });
    return { hits, total: res.total, didYouMean: res.didYouMean };
  }

  /** The section that matches the most query terms, and ~200 characters of it around
   * the first match, as [text, isMatch] pieces (the caller escapes them). */
  snippet(d, terms, width = 200) {
    const termsOf = (text) => {  // analyzed once per text: typing asks again and again
      if (!this.textTerms) this.textTerms = new Map();
      let set = this.textTerms.get(text);
      if (!set) {
        set = new Set(analyze(text, this.stops).map(([t]) => t));
        if (this.textTerms.size > 5000) this.textTerms.clear();
        this.textTerms.set(text, set);
      }
      return set;
    };
    const matches = (text) => {
      let n = 0;
      for (const t of termsOf(text)) if (terms.has(t)) n += 1;
      return n;
    };
    let best = null, bestN = 0;
    for (const [heading, anchor, text] of d.sections || []) {
      // Text matches pick the snippet; a matching heading breaks ties (not the title's: it is shown anyway).
      const n = matches(text) * 2 + (anchor ? matches(heading) : 0);
      if (n > bestN) { best = [heading, anchor, text]; bestN = n; }
    }
    const section = best && best[1] ? { heading: best[0], anchor: best[1] } : null;
    const text = best ? best[2] : (d.description || (d.sections && d.sections[0] && d.sections[0][2]) || "");
    const pieces = [];
    const token = /[\p{L}\p{N}]+(?:[._'\u2019-][\p{L}\p{N}]+)*/gu;
    let first = -1;
    for (const mm of text.matchAll(token)) {
      if (analyze(mm[0], this.stops).some(([t]) => terms.has(t))) { first = mm.index; break; }
    }
    let start = first > width / 3 ? text.lastIndexOf(" ", first - width / 3) + 1 : 0;
    if (start < 0) start = 0;
    let end = Math.min(text.length, start + width);
    if (end < text.length) { const sp = text.lastIndexOf(" ", end); if (sp > start + width / 2) end = sp; }
    const clip = text.slice(start, end);
    let last = 0;
    for (const mm of clip.matchAll(token)) {
      if (analyze(mm[0], this.stops).some(([t]) => terms.has(t))) {
        if (mm.index > last) pieces.push([clip.slice(last, mm.index), false]);
        pieces.push([mm[0], true]);
        last = mm.index + mm[0].length;
      }
    }
    if (last < clip.length) pieces.push([clip.slice(last), false]);
    if (start > 0) pieces.unshift(["… ", false]);
    if (end < text.length) pieces.push([" …", false]);
    return { section, snippet: pieces };
  }
}

/** Open the index at `base` (a URL of the index folder, ending in "/").
 * @param {string|URL} base @param {{text:Function, bytes:Function}} [loader] */
export async function openIndex(base, loader) {
  loader = loader || httpLoader(base);
  let manifest;
  try {
    manifest = JSON.parse(await loader.text("manifest.json"));
  } catch (e) {
    throw new IndexFormatError(`the search index could not be read (${e.message})`);
  }
  if (!manifest || manifest.format !== FORMAT || manifest.version !== VERSION || manifest.analyzer !== ANALYZER_ID) {
    const what = manifest ? `${manifest.format} v${manifest.version} (${manifest.analyzer})` : "unknown";
    throw new IndexFormatError(`the search index is in a format this page does not understand: ${what}; expected ${FORMAT} v${VERSION}`);
  }
  return new Index(manifest, loader);
}
