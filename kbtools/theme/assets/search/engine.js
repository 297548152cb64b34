// The browser search engine: reads the static index (kbtools/search/README.md) and ranks
// exactly like kbtools/search/engine.py, step by step (tests compare their top 10).
// Fetches only what a query needs and caches every file it fetched. The index is untrusted
// input: every file is size-, version- and shape-checked and every loop is bounded by the
// bytes it reads, so a damaged file gives IndexFormatError ("search is unavailable"), never a
// frozen tab.
import { ANALYZER_ID, analyze, frame, normalize, stem, words } from "./analysis.js";

export const FORMAT = "kb-search-index";
export const VERSION = 6;  // export.py VERSION
const MAX_LINKS = 64;  // associations (and thesaurus terms) per dictionary entry (engine.py)
const PREFIX_MIN = 3;  // letters of the word being typed before it is completed
const TWO_EDITS_FROM = 5;  // a typo may take two edits to correct: from 5 letters for a question's one unknown word ...
const TWO_EDITS_ALWAYS = 8;  // ... from 8 letters always (engine.py)
const AHEAD_BLOCKS = 4;  // at most this many dictionary blocks fetched ahead for a word being typed
const MAX_DOCS = 10000000;
const BLOCK_MAGIC = "KBSB", POSITIONS_MAGIC = "KBSX";
const MAX_QUERY_CHARS = 500;
const MAX_CLAUSES = 32;
const PHRASE = /"([^"]*)"/g;
const ALPHA = /^[a-z]+$/;
const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;

/** A word as it sounds, roughly (engine.py's skeleton): doubled letters once, no vowels after the first.
 * @param {string} word */
export function skeleton(word) {
  const w = word.replace(/(.)\1+/g, "$1");
  return w.slice(0, 1) + w.slice(1).replace(/[aeiouy]/g, "");
}

/** The word still being typed: the query's last word unless a space or punctuation ends it.
 * @param {string} query @param {string[]} raw its words */
function typingWord(query, raw) {
  return raw.length && ENDS_IN_WORD.test(normalize(query)) ? raw[raw.length - 1] : "";
}
const LN2 = 0.6931471805599453;

export class IndexFormatError extends Error {}

/** @param {string} rel @param {string} what */
const damaged = (rel, what) => new IndexFormatError(`the search index is damaged (${rel}: ${what})`);

/** Natural log from + - * / only: the same bits as engine.py's ln(); 0 unless 0 < x < Infinity. */
export function ln(x) {
  if (!(x > 0 && x < Infinity)) return 0.0;
  let e = 0;
  while (x >= 2.0) { x /= 2.0; e += 1; }
  while (x < 1.0) { x *= 2.0; e -= 1; }
  const z = (x - 1.0) / (x + 1.0), z2 = z * z;
  let term = z, total = 0.0, k = 1;
  while (k < 200) {
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

/** One LEB128 number of at most 5 bytes, never reading at or past `end`.
 * @param {Uint8Array} buf @param {number} off @param {number} end @param {string} rel */
export function readVarint(buf, off, end, rel) {
  let n = 0, mul = 1;
  for (let i = 0; i < 5; i++) {
    if (off >= end) break;
    const b = buf[off++];
    n += (b & 0x7f) * mul;
    if (b < 0x80) return [n, off];
    mul *= 128;
  }
  throw damaged(rel, "truncated or overlong number");
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** A varint length and that many bytes of UTF-8, never reading past `end` (engine.py read_text).
 * @param {Uint8Array} buf @param {number} off @param {number} end @param {string} rel @param {string} what
 * @returns {[string, number]} */
function readText(buf, off, end, rel, what) {
  let size;
  [size, off] = readVarint(buf, off, end, rel);
  if (off + size > end) throw damaged(rel, `${what} runs past the end`);
  try { return [UTF8.decode(buf.subarray(off, off + size)), off + size]; } catch { throw damaged(rel, `${what} is not UTF-8`); }
}

/** [payload start, payload end] of a binary index file, its header checked. */
function unframe(buf, magic, rel) {
  for (let i = 0; i < 4; i++) if (buf[i] !== magic.charCodeAt(i)) throw damaged(rel, "not a search index file (bad magic)");
  let version, length, off;
  [version, off] = readVarint(buf, 4, buf.length, rel);
  if (version !== VERSION) throw damaged(rel, `version ${version}, expected ${VERSION}`);
  [length, off] = readVarint(buf, off, buf.length, rel);
  if (off + length !== buf.length) throw damaged(rel, `${buf.length - off} payload bytes, the header says ${length} (truncated?)`);
  return [off, off + length];
}

const isNum = (v, lo, hi, integer) => typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
const isStrs = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The manifest, checked like engine.py's check_manifest: everything the engine later trusts. */
export function checkManifest(m, rel = "manifest.json") {
  if (!m || typeof m !== "object" || Array.isArray(m)) throw damaged(rel, "not a JSON object");
  if (m.format !== FORMAT || m.version !== VERSION || m.analyzer !== ANALYZER_ID) {
    throw new IndexFormatError(`the search index is in a format this page does not understand: ${m.format} v${m.version} (${m.analyzer}); expected ${FORMAT} v${VERSION}`);
  }
  const need = (ok, what) => { if (!ok) throw damaged(rel, what); };
  need(isStrs(m.fields) && m.fields.length >= 1 && m.fields.length <= 16, "fields: 1 to 16 texts expected");
  need(isNum(m.doc_count, 0, MAX_DOCS, true), "doc_count out of range");
  need(Array.isArray(m.avgfl) && m.avgfl.length === m.fields.length && m.avgfl.every((x) => isNum(x, 1e-9, 1e12)), "avgfl must be one positive number per field");
  need(Array.isArray(m.length_table) && m.length_table.length === 256 && m.length_table.every((x) => isNum(x, 0, 1e12)), "length_table must be 256 numbers");
  const r = m.ranking;
  need(r && Array.isArray(r.weights) && r.weights.length === m.fields.length && r.weights.every((x) => isNum(x, 0, 1e6)), "ranking.weights must have one number per field");
  for (const [k, hi] of [["B", 1], ["K1", 100], ["coord", 16], ["fuzzy", 1e3], ["prefix", 1e3], ["synonym", 1e3], ["assoc", 1e3], ["thesaurus", 1e3], ["code", 1e3],
    ["min_cover", 1], ["max_unknown", 1], ["weak_df", 1], ["fuzzy_common", 1], ["lift", 1e3], ["lift_howto", 1e3]]) need(isNum(r[k], 0, hi), `ranking.${k} out of range`);
  for (const k of ["prefix_max", "fuzzy_max"]) need(isNum(r[k], 0, 1000, true), `ranking.${k} out of range`);
  need(isStrs(m.stop_words), "stop_words must be texts");
  need(Array.isArray(m.framing) && m.framing.length <= 1000 && m.framing.every((e) => Array.isArray(e) && e.length === 3
    && typeof e[0] === "string" && typeof e[2] === "boolean" && isStrs(e[1]) && e[1].length >= 1 && e[1].length <= 8), "framing entries must be [kind, [words], drop]");
  const lim = m.limits;
  need(lim && ["manifest", "block", "json", "doc"].every((k) => isNum(lim[k], 1, 2 ** 30, true)), "limits out of range");
  need(Array.isArray(m.blocks) && m.blocks.length >= 1 && m.blocks.length <= 1000000, "blocks must be a non-empty list");
  m.blocks.forEach((b, i) => {
    need(Array.isArray(b) && b.length === 3 && typeof b[0] === "string" && isNum(b[1], 1, lim.block, true) && isNum(b[2], 1, lim.block, true), `blocks[${i}] must be [first term, bytes, position bytes]`);
    need(i === 0 || m.blocks[i - 1][0] < b[0], `blocks[${i}]: first terms out of order`);
  });
  need(isNum(m.meta_docs, 1, 100000, true), "meta_docs out of range");
  need(typeof m.kinds === "string" && m.kinds.length === m.doc_count, "kinds must be one letter per document");
  need(typeof m.english === "string" && /^[a-z]*$/.test(m.english) && new Set(m.english).size === m.english.length, "english must list distinct letters a-z");
  need(m.word_files && typeof m.word_files === "object" && Object.values(m.word_files).every((v) => Number.isInteger(v)), "word_files must map names to counts");
  need(m.facets && typeof m.facets === "object" && (m.synonyms === undefined || (m.synonyms && typeof m.synonyms === "object")), "facets and synonyms must be objects");
  for (const v of Object.values(m.synonyms || {})) need(isStrs(v), "synonyms must map to texts");
  return m;
}

const CODE = /^(?=[a-z0-9._-]*[0-9])(?=[a-z0-9._-]*[a-z._-])[a-z0-9._-]{4,}$/;
/** An error code, version or product code (see engine.py is_code). */
export const isCode = (term) => CODE.test(term);
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const dfOf = (e) => e[2].reduce((s, x) => s + x, 0);
const dfMax = (e) => Math.max(...e[2]);
const hasPostings = (e) => e[2].some((df) => df > 0);

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

/** Browser loader: fetch relative to the index folder; a body larger than `cap` bytes is
 * not read to its end (a huge file must not stall the page). Exported for a page that already
 * has the manifest (ui.js: the one embedded in its bundle).
 * @param {string|URL} base */
export function httpLoader(base) {
  const get = async (rel, cap) => {
    const res = await fetch(new URL(rel, base));
    if (!res.ok) throw new Error(`search index: ${rel}: HTTP ${res.status}`);
    const declared = Number(res.headers.get("content-length"));
    if (declared > cap) throw damaged(rel, `${declared} bytes, at most ${cap} expected`);
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const reader = res.body.getReader(), parts = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > cap) { reader.cancel(); throw damaged(rel, `more than ${cap} bytes`); }
      parts.push(value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  return {
    text: async (rel, cap = 4 << 20) => new TextDecoder("utf-8", { fatal: true }).decode(await get(rel, cap)),
    bytes: async (rel, cap = 64 << 20) => get(rel, cap),
  };
}

export class Index {
  /** @param {any} manifest @param {{text:(r:string, cap?:number)=>Promise<string>, bytes:(r:string, cap?:number)=>Promise<Uint8Array>}} loader */
  constructor(manifest, loader) {
    this.manifest = manifest;
    this.loader = loader;
    this.stops = new Set(manifest.stop_words);
    this.framing = manifest.framing;
    this.cues = new Set(manifest.framing.filter((e) => !e[2]).flatMap((e) => e[1].flatMap((w) => analyze(w, this.stops).map(([t]) => t))));
    this.starts = manifest.blocks.map((b) => b[0]);
    this.cache = new Map();
    this.ready = new Set();  // keys of the cache whose promise has resolved
  }

  _once(key, make) {
    if (!this.cache.has(key)) {
      const p = make();
      p.then(() => { this.ready.add(key); }, () => { this.cache.delete(key); });  // a failed fetch is retried next time
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  /** Whether the snippet data of every hit is already here, so that `fillSnippets` makes no
   * request and the page can draw titles and snippets in one update. */
  hasDocs(hits) {
    return hits.every((h) => this.ready.has(`d/${h.doc}.json`));
  }

  /** Term -> [term, block, dfs, postings start, postings end, positions offset, buffer, [[associated term, percent]],
   * [KB terms it stands for]]. A term without postings is a word the KB lacks that the thesaurus maps to KB terms. */
  block(i) {
    return this._once(`b${i}`, async () => {
      const rel = `b/${i}.bin`, m = this.manifest;
      const buf = await this.loader.bytes(rel, m.limits.block);
      if (buf.length !== m.blocks[i][1]) throw damaged(rel, `${buf.length} bytes, expected ${m.blocks[i][1]}`);
      let [off, end] = unframe(buf, BLOCK_MAGIC, rel), count;
      [count, off] = readVarint(buf, off, end, rel);
      const out = new Map();
      for (let k = 0; k < count; k++) {
        let plen, xoff, t;
        [t, off] = readText(buf, off, end, rel, "term");
        const dfs = [];
        for (let f = 0; f < m.fields.length; f++) {
          let df;
          [df, off] = readVarint(buf, off, end, rel);
          if (df > m.doc_count) throw damaged(rel, `${t}: document frequency ${df} above the ${m.doc_count} documents`);
          dfs.push(df);
        }
        [plen, off] = readVarint(buf, off, end, rel);
        if (off + plen > end) throw damaged(rel, `${t}: postings run past the end`);
        const pstart = off;
        off += plen;
        [xoff, off] = readVarint(buf, off, end, rel);
        let count;
        [count, off] = readVarint(buf, off, end, rel);
        if (count > MAX_LINKS) throw damaged(rel, `${t}: associations: ${count}, at most ${MAX_LINKS} expected`);
        const links = [];
        for (let a = 0; a < count; a++) {
          let pct, other;
          [other, off] = readText(buf, off, end, rel, "association");
          [pct, off] = readVarint(buf, off, end, rel);
          if (pct < 1 || pct > 100) throw damaged(rel, `${t}: association strength ${pct} outside 1..100`);
          links.push([other, pct]);
        }
        let nKb;
        [nKb, off] = readVarint(buf, off, end, rel);
        if (nKb > MAX_LINKS) throw damaged(rel, `${t}: thesaurus terms: ${nKb}, at most ${MAX_LINKS} expected`);
        const kbTerms = [];
        for (let a = 0; a < nKb; a++) {
          let other;
          [other, off] = readText(buf, off, end, rel, "thesaurus term");
          kbTerms.push(other);
        }
        out.set(t, [t, i, dfs, pstart, pstart + plen, xoff, buf, links, kbTerms]);
      }
      if (off !== end) throw damaged(rel, "bytes left after the last term");
      return out;
    });
  }

  json(rel, cap) {
    return this._once(rel, async () => {
      let text;
      try { text = await this.loader.text(rel, cap || this.manifest.limits.json); } catch (e) {
        if (e instanceof IndexFormatError) throw e;
        return null;  // a missing file (a facet nobody has) reads as nothing
      }
      try { return JSON.parse(text); } catch { throw damaged(rel, "not valid JSON"); }
    });
  }

  /** Whether a term the KB lacks is an English word's (e/<letter>.json, read on demand), as engine.py.
   * @param {string} term */
  isEnglish(term) {
    const letter = term.slice(0, 1);
    if (!letter || !this.manifest.english.includes(letter)) return Promise.resolve(false);
    return this._once(`E${letter}`, async () => new Set(await this.wordList(`e/${letter}.json`))).then((set) => set.has(term));
  }

  /** A list of words (w/ and e/ files), shape-checked once; [] when the file does not exist (engine.py).
   * @param {string} rel @returns {Promise<string[]>} */
  wordList(rel) {
    return this._once(`L${rel}`, async () => {
      const list = await this.json(rel);
      if (list !== null && !(Array.isArray(list) && list.every((w) => typeof w === "string" && w.length <= 64))) {
        throw damaged(rel, "expected a list of words of at most 64 letters");
      }
      return list || [];
    });
  }

  /** [id, title, url, type, crumbs] of a document (m/<k>.json). */
  async meta(doc) {
    const m = this.manifest, per = m.meta_docs, n = m.doc_count;
    if (!(doc >= 0 && doc < n)) throw damaged("m/", `document ${doc} out of range`);
    const rel = `m/${Math.floor(doc / per)}.json`, k = doc % per;
    const rows = await this.json(rel);
    const want = Math.min(per, n - doc + k);
    if (!Array.isArray(rows) || rows.length !== want) throw damaged(rel, `expected ${want} documents`);
    const row = rows[k];
    if (!(Array.isArray(row) && row.length === 5 && row.slice(0, 4).every((x) => typeof x === "string") && isStrs(row[4]))) {
      throw damaged(rel, `document ${doc}: expected [id, title, url, type, [crumbs]]`);
    }
    return row;
  }

  /** The snippet data of a document (d/<n>.json), shape-checked. */
  async doc(n) {
    const rel = `d/${n}.json`;
    const d = await this.json(rel, this.manifest.limits.doc);
    if (!d || typeof d !== "object" || Array.isArray(d) || (d.sections !== undefined && !Array.isArray(d.sections))) throw damaged(rel, "expected an object with sections");
    for (const sec of d.sections || []) if (!(Array.isArray(sec) && sec.length === 3 && sec.every((x) => typeof x === "string"))) throw damaged(rel, "sections must be [heading, anchor, text]");
    if (d.description !== undefined && typeof d.description !== "string") throw damaged(rel, "description must be a text");
    return d;
  }

  _blockOf(term) {
    let lo = 0, hi = this.starts.length;  // bisect_right
    while (lo < hi) { const mid = (lo + hi) >> 1; if (term < this.starts[mid]) hi = mid; else lo = mid + 1; }
    return lo - 1;
  }

  /** A term's dictionary entry, also a word the KB lacks that only has thesaurus terms. */
  async entry(term) {
    const i = this._blockOf(term);
    return i >= 0 ? (await this.block(i)).get(term) || null : null;
  }

  /** The dictionary entry of a term the KB has (one with postings). */
  async lookup(term) {
    const e = await this.entry(term);
    return e && hasPostings(e) ? e : null;
  }

  /** Starts fetching, all at once, the blocks of `terms` and of the completions of `prefix`:
   * the manifest alone says which, so parse() finds them fetched or in flight instead of asking
   * for its words' blocks, then their synonyms', then the completions' one stage after another
   * (a round trip each on a cold page). Loading only: what parse() computes is unchanged.
   * @param {string[]} terms @param {string} prefix */
  prefetch(terms, prefix, maxPrefixBlocks = Infinity) {
    const want = new Set();
    for (const t of terms) { const i = this._blockOf(t); if (i >= 0) want.add(i); }
    if (prefix) {
      const range = [];
      for (let i = Math.max(0, this._blockOf(prefix)); i < this.starts.length
        && (this.starts[i] <= prefix || this.starts[i].startsWith(prefix)); i++) range.push(i);
      if (range.length <= maxPrefixBlocks) for (const i of range) want.add(i);
    }
    for (const i of want) this.block(i).catch(() => {});  // a failure surfaces where parse() awaits it
  }

  /** While a word is being typed: fetch ahead the blocks its completions will need once it has
   * PREFIX_MIN letters (a few at most), so the next keys find them here instead of waiting for
   * a block each. Loading only. @param {string} query */
  prefetchTyping(query) {
    const typing = typingWord(query, words(query));
    if (ALPHA.test(typing) && typing.length >= PREFIX_MIN - 1) this.prefetch([], typing, AHEAD_BLOCKS);
  }

  async withPrefix(prefix) {
    let i = Math.max(0, this._blockOf(prefix));
    const out = [];
    while (i < this.starts.length && (this.starts[i] <= prefix || this.starts[i].startsWith(prefix))) {
      for (const [t, e] of await this.block(i)) if (t.startsWith(prefix) && hasPostings(e)) out.push(e);
      i += 1;
    }
    return out;
  }

  postings(entry) {
    // Decoded once per term: typing re-scores the same terms at every keystroke.
    return this._once(`P${entry[0]}`, async () => this._decodePostings(entry));
  }

  _decodePostings(entry) {
    const rel = `b/${entry[1]}.bin`, buf = entry[6], end = entry[4], n = this.manifest.doc_count;
    let off = entry[3];
    const out = [];
    for (const df of entry[2]) {
      const rows = [];
      let doc = -1;
      for (let k = 0; k < df; k++) {
        let delta, tf, norm;
        [delta, off] = readVarint(buf, off, end, rel);
        [tf, off] = readVarint(buf, off, end, rel);
        [norm, off] = readVarint(buf, off, end, rel);
        doc = k === 0 ? delta : doc + delta;
        if ((k && !delta) || doc >= n || !tf || norm > 255) throw damaged(rel, `${entry[0]}: posting out of range (document ${doc})`);
        rows.push([doc, tf, norm]);
      }
      out.push(rows);
    }
    if (off !== end) throw damaged(rel, `${entry[0]}: postings length does not match`);
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

  positionsFile(i) {
    return this._once(`x${i}`, async () => {
      const rel = `x/${i}.bin`, m = this.manifest;
      const buf = await this.loader.bytes(rel, m.limits.block);
      if (buf.length !== m.blocks[i][2]) throw damaged(rel, `${buf.length} bytes, expected ${m.blocks[i][2]}`);
      const [start, end] = unframe(buf, POSITIONS_MAGIC, rel);
      return { buf, start, end };
    });
  }

  async positions(entry) {
    const rows = await this.postings(entry);
    const rel = `x/${entry[1]}.bin`;
    const { buf, start, end } = await this.positionsFile(entry[1]);
    let off = start + entry[5];
    return rows.map((fieldRows) => {
      const per = new Map();
      for (const [doc, tf] of fieldRows) {
        const pos = [];
        let p = 0;
        for (let k = 0; k < tf; k++) { let d; [d, off] = readVarint(buf, off, end, rel); p += d; pos.push(p); }
        per.set(doc, pos);
      }
      return per;
    });
  }

  async parse(query) {
    const m = this.manifest, r = m.ranking;
    query = Array.from(query).slice(0, MAX_QUERY_CHARS).join("");
    const phrases = [...query.matchAll(PHRASE)].map((mm) => analyze(mm[1], this.stops)).filter((p) => p.length > 1);
    const plain = query.replaceAll('"', " ");
    const [kind, kept] = frame(words(plain), this.framing);
    const clauses = [];
    const byTerm = new Map();
    for (const [t] of analyze(kept.join(" "), this.stops)) {
      if (!byTerm.has(t) && clauses.length < MAX_CLAUSES) {
        const c = { term: t, variants: [], word: "", correction: "", own: null, expanded: false };
        byTerm.set(t, c);
        clauses.push(c);
      }
    }
    const synonyms = (r.synonym && m.synonyms) || {};
    const raw = words(plain);
    const typing = typingWord(query, raw);
    const completes = typing && ALPHA.test(typing) && typing.length >= PREFIX_MIN && byTerm.has(stem(typing));
    this.prefetch(clauses.flatMap((c) => [c.term, ...(Object.hasOwn(synonyms, c.term) ? synonyms[c.term] : [])]),
      completes ? typing : "");
    // Synonyms come from the manifest: looked up while the query's own terms are. A term's mined
    // associations (a softer expansion than synonyms, engine.py), or for a word the KB lacks the
    // KB terms the thesaurus gives it, are looked up as soon as its own block is in, so they add
    // at most one round of fetches.
    const synP = Promise.all(clauses.map((c) =>
      Promise.all((Object.hasOwn(synonyms, c.term) ? synonyms[c.term] : []).map(async (o) => [o, await this.lookup(o)]))));
    const own = await Promise.all(clauses.map(async (c) => {
      const raw = await this.entry(c.term);
      const e = raw && hasPostings(raw) ? raw : null;
      const links = e && r.assoc ? await Promise.all(e[7].map(async ([o, pct]) => [o, pct, await this.lookup(o)])) : [];
      const kb = raw && r.thesaurus ? await Promise.all(raw[8].map(async (o) => [o, await this.lookup(o)])) : [];
      return [e, links, kb];
    }));
    const synEntries = await synP;
    clauses.forEach((c, i) => {
      const [e, links, kb] = own[i];
      c.own = e;
      if (e) c.variants.push([c.term, isCode(c.term) ? r.code : 1.0, e]);
      for (const [o, se] of synEntries[i]) if (se) c.variants.push([o, r.synonym, se]);
      const have = new Set(c.variants.map((v) => v[0]));
      for (const [o, te] of kb) if (te && !have.has(o)) { c.variants.push([o, r.thesaurus, te]); have.add(o); }
      for (const [o, pct, ae] of links) if (ae && !have.has(o)) c.variants.push([o, r.assoc * (pct / 100), ae]);
    });
    if (completes) {
      const c = byTerm.get(stem(typing));
      const have = new Set(c.variants.map((v) => v[0]));
      const more = (await this.withPrefix(typing)).filter((e) => !have.has(e[0]))
        .sort((a, b) => dfOf(b) - dfOf(a) || cmp(a[0], b[0]));
      c.expanded = !c.variants.length;
      for (const e of more.slice(0, r.prefix_max)) c.variants.push([e[0], r.prefix, e]);
    }
    const unknown = [...new Set(raw)].filter((w) => {
      const c = ALPHA.test(w) ? byTerm.get(stem(w)) : undefined;
      return c && !c.variants.length && w.length >= 4;
    });
    const found = await Promise.all(unknown.map((w) => this.corrections(w)));  // in parallel
    const correct = (c, w, fixes) => {  // engine.py's _correct
      for (const [dist, , t, e] of fixes) c.variants.push([t, dist === 1 ? r.fuzzy : r.fuzzy * r.fuzzy, e]);
      c.expanded = fixes.length > 0;
      if (fixes.length) { c.word = w; c.correction = fixes[0][4]; }
    };
    const uncorrected = new Map();  // clause term -> the word typed for it, when nothing is one edit away
    for (const [k, w] of unknown.entries()) {
      const c = byTerm.get(stem(w));
      if (c.variants.length) continue;  // two spellings of one stem: the first one's corrections win
      correct(c, w, found[k].slice(0, r.fuzzy_max));
      if (!c.variants.length) uncorrected.set(c.term, w);
    }
    // Not words the KB lacks: a word still being typed and too short to complete, and a framing
    // cue the KB never says (engine.py).
    const partial = typing && ALPHA.test(typing) && typing.length < PREFIX_MIN ? byTerm.get(stem(typing)) : undefined;
    const useful = clauses.filter((c) => c.variants.length || (c !== partial && !this.cues.has(c.term)));
    clauses.splice(0, clauses.length, ...useful);
    // Two edits for a word of 5 to 7 letters: only the question's one word the KB lacks, when no
    // other word needed correcting (engine.py).
    const lacking = clauses.filter((c) => !c.variants.length);
    if (lacking.length === 1 && !clauses.some((c) => c.correction)) {
      const w = uncorrected.get(lacking[0].term) || "";
      if (w.length >= TWO_EDITS_FROM && w.length < TWO_EDITS_ALWAYS) correct(lacking[0], w, (await this.corrections(w, 2)).slice(0, r.fuzzy_max));
    }
    // Precision: no expansion to a common word while another query word matches nothing, unless
    // it corrects a word that is no English word (engine.py).
    if (clauses.some((c) => !c.variants.length)) {
      for (const c of clauses) {
        if (!c.expanded || (c.correction && !(await this.isEnglish(String(c.term))))) continue;
        c.variants = c.variants.filter((v) => dfMax(v[2]) <= r.fuzzy_common * m.doc_count);
        if (!c.variants.length) { c.word = ""; c.correction = ""; }
      }
    }
    return { clauses, phrases, kind };
  }

  /** Known words within `limit` edits (by default 1, 2 from TWO_EDITS_ALWAYS letters; from
   * TWO_EDITS_FROM letters two edits with the same skeleton count as one), as engine.py.
   * Kept per word: while a question is typed, each key parses it again.
   * @param {string} word @param {number} [limit] */
  corrections(word, limit = 0) {
    return this._once(`fix:${limit}:${word}`, () => this._corrections(word, limit));
  }

  /** @param {string} word @param {number} limit */
  async _corrections(word, limit) {
    limit = limit || (word.length < TWO_EDITS_ALWAYS ? 1 : 2);
    const byEar = word.length >= TWO_EDITS_FROM ? skeleton(word) : "";
    const scan = byEar ? 2 : limit;
    const best = new Map();
    const files = this.manifest.word_files;
    const better = (a, b) => a[0] - b[0] || a[1] - b[1];
    const names = [];
    for (let n = word.length - scan; n <= word.length + scan; n++) if (Object.hasOwn(files, `${word[0]}${n}`)) names.push(`${word[0]}${n}`);
    // Fetch in parallel, then walk the candidates in the same order as engine.py.
    const lists = await Promise.all(names.map((name) => this.wordList(`w/${name}.json`)));
    const close = [];
    lists.forEach((list) => {
      for (const cand of list) {
        let d = editDistance(word, cand, scan);
        if (d === 2 && byEar && skeleton(cand) === byEar) d = 1;
        if (d <= limit) close.push([d, cand, stem(cand)]);
      }
    });
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

  /** The documents of a facet's values (f/<facet>.json), checked. */
  async facetDocs(name, values) {
    const rel = `f/${name}.json`, n = this.manifest.doc_count;
    const lists = /^[a-z]+$/.test(name) ? await this.json(rel) : null;
    if (lists === null) return [];
    if (typeof lists !== "object" || Array.isArray(lists)) throw damaged(rel, "expected an object of value -> documents");
    const out = [];
    for (const v of values) {
      const docs = Object.hasOwn(lists, v) ? lists[v] : [];
      if (!Array.isArray(docs) || !docs.every((d) => Number.isInteger(d) && d >= 0 && d < n)) throw damaged(rel, `${v}: expected document numbers below ${n}`);
      out.push(...docs);
    }
    return out;
  }

  /** Ranked documents: {hits: [[doc, score]], total, didYouMean, terms, docs (every match, best first)}. */
  async run(query, limit = 10, filters = {}) {
    const m = this.manifest, r = m.ranking, n = m.doc_count;
    const { clauses, phrases, kind } = await this.parse(query);
    const active = clauses.filter((c) => c.variants.length);
    const info = clauses.map((c) => {
      const e = c.own || (c.variants.length ? c.variants[0][2] : null);
      return ln(n / ((e ? dfMax(e) : 0) + 1)) + 1;
    });
    let totalInfo = 0.0;
    clauses.forEach((c, i) => {  // a word only corrected or completed counts as surely as its best expansion
      totalInfo += info[i] * (c.variants.length ? Math.max(...c.variants.map((v) => (v[0] === c.term ? 1.0 : v[1]))) : 1.0);
    });
    const weak = clauses.map((c) => c.own !== null && dfMax(c.own) > r.weak_df * n);
    const anyStrong = active.length ? !clauses.every((c, i) => !c.variants.length || weak[i]) : false;
    // Dense arrays indexed by document number: the same float operations in the same order
    // as engine.py's dicts, without a Map lookup per posting (typing re-runs this every key).
    const total = new Float64Array(n), best = new Float64Array(n), covered = new Float64Array(n), credit = new Float64Array(n);
    const matched = new Uint32Array(n), strong = new Uint8Array(n);
    const seen = [];
    for (const [ci, c] of clauses.entries()) {
      if (!c.variants.length) continue;
      const touched = [];
      for (const [term, vw, e] of c.variants) {
        const cw = term === c.term ? 1.0 : vw;  // how surely the document has this word (engine.py)
        const { docs, sums } = await this.termScores(e);
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i], s = sums[i] * vw;
          if (s > best[doc]) { if (best[doc] === 0 && credit[doc] === 0) touched.push(doc); best[doc] = s; }
          if (cw > credit[doc]) credit[doc] = cw;
        }
      }
      for (const doc of touched) {
        if (!matched[doc]) seen.push(doc);
        total[doc] = total[doc] + best[doc];
        matched[doc] += 1;
        covered[doc] = covered[doc] + info[ci] * credit[doc];
        if (!weak[ci]) strong[doc] = 1;
        best[doc] = 0;
        credit[doc] = 0;
      }
    }
    if (r.coord && active.length) {
      for (const doc of seen) total[doc] = total[doc] * power(matched[doc] / active.length, r.coord);
    }
    let kept = seen;
    if (r.min_cover && kept.length) {
      // A question whose information lies mostly in words the KB lacks has no answer here;
      // otherwise a result must cover enough of the information of the words the KB has (engine.py).
      let unknown = 0.0;
      clauses.forEach((c, i) => { if (!c.variants.length) unknown += info[i]; });
      if (unknown > r.max_unknown * totalInfo) kept = [];
      const floor = r.min_cover * (totalInfo - unknown);
      kept = kept.filter((d) => covered[d] >= floor && (strong[d] || !anyStrong));
    }
    const lift = kind === "how-to" ? r.lift_howto : r.lift;
    if (lift && kind) {
      const code = kind === "how-to" ? "h" : "s";
      for (const doc of kept) if (m.kinds[doc] === code) total[doc] = total[doc] * (1.0 + lift);
    }
    for (const ph of phrases) {
      const keep = await this.phraseDocs(ph);
      kept = kept.filter((d) => keep.has(d));
    }
    const matches = kept;
    for (const [name, values] of Object.entries(filters || {})) {
      if (!values || !values.length) continue;
      const allowed = new Set(await this.facetDocs(name, values));
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
    return { hits: ranked, total: kept.length, didYouMean, terms, docs: kept, matches };
  }

  /** For each facet, value -> how many of `matches` (a query's documents before filters) have it,
   * counting only documents that pass the filters set on the other facets (the search page's
   * counts are for the current query, not for the whole KB). */
  async facetCounts(matches, filters = {}) {
    const facets = await this.facetLists(), n = this.manifest.doc_count;
    // Marks in typed arrays, not Sets: this runs at every keystroke over up to all documents.
    const inQuery = new Uint8Array(n);
    for (const d of matches) if (d >= 0 && d < n) inQuery[d] = 1;
    const kept = [];  // [facet, marks of the documents its filter keeps]
    for (const [name, values] of facets) {
      const want = Object.hasOwn(filters, name) ? filters[name] : null;
      if (!want || !want.length) continue;
      const keep = new Uint8Array(n);
      for (const [value, docs] of values) if (want.includes(value)) for (const d of docs) keep[d] = 1;
      kept.push([name, keep]);
    }
    const out = {};
    for (const [name, values] of facets) {
      const others = kept.filter(([other]) => other !== name).map(([, keep]) => keep);
      let pass = inQuery;
      if (others.length) {
        pass = inQuery.slice();
        for (let d = 0; d < n; d++) if (pass[d] && !others.every((keep) => keep[d])) pass[d] = 0;
      }
      const counts = {};
      for (const [value, docs] of values) {
        let k = 0;
        for (const d of docs) k += pass[d];
        counts[value] = k;
      }
      out[name] = counts;
    }
    return out;
  }

  /** Each facet's values and their documents (f/<facet>.json), checked once:
   * [[facet, [[value, Int32Array of document numbers]]]]. */
  facetLists() {
    return this._once("F", async () => {
      const names = Object.keys(this.manifest.facets), n = this.manifest.doc_count;
      const lists = await Promise.all(names.map((name) => this.json(`f/${name}.json`)));
      return names.map((name, i) => {
        const rel = `f/${name}.json`, l = lists[i];
        if (l !== null && (typeof l !== "object" || Array.isArray(l))) throw damaged(rel, "expected an object of value -> documents");
        return [name, Object.entries(l || {}).map(([value, docs]) => {
          if (!Array.isArray(docs)) throw damaged(rel, `${value}: expected document numbers`);
          return [value, Int32Array.from(docs.filter((d) => Number.isInteger(d) && d >= 0 && d < n))];
        })];
      });
    });
  }

  /** Results ready to show: document data, the best section, a snippet. */
  async search(query, { limit = 10, filters = {}, snippets = true } = {}) {
    const res = await this.run(query, limit, filters);
    // Title, URL, type and breadcrumbs come from the meta files (one request per META_DOCS
    // documents); the snippet needs the document's own file, fetched in parallel.
    const metas = await Promise.all(res.hits.map(([n]) => this.meta(n)));
    const hits = res.hits.map(([n, score], i) => {
      const [id, title, url, type, crumbs] = metas[i];
      return { doc: n, score, id, title, url, type, crumbs, section: null, snippet: [] };
    });
    if (snippets) await this.fillSnippets(hits, res.terms);
    return { hits, total: res.total, didYouMean: res.didYouMean, terms: res.terms, docs: res.docs, matches: res.matches };
  }

  /** Adds each hit's best section and snippet (from d/<n>.json). */
  async fillSnippets(hits, terms) {
    const docs = await Promise.all(hits.map((h) => this.doc(h.doc)));
    hits.forEach((h, i) => Object.assign(h, this.snippet(docs[i], terms)));
    return hits;
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
 * @param {string|URL} base @param {{text:(r:string, cap?:number)=>Promise<string>, bytes:(r:string, cap?:number)=>Promise<Uint8Array>}} [loader] */
export async function openIndex(base, loader) {
  loader = loader || httpLoader(base);
  let manifest;
  try {
    manifest = JSON.parse(await loader.text("manifest.json", 4 << 20));
  } catch (e) {
    if (e instanceof IndexFormatError) throw e;
    throw new IndexFormatError(`the search index could not be read (${e instanceof Error ? e.message : e})`);
  }
  return new Index(checkManifest(manifest), loader);
}
