"""The Python query engine: searches an exported index, exactly as the browser does.

Owns: query parsing (words, quoted phrases, the word being typed), typo and prefix
expansion, BM25F scoring from the exported statistics, phrase verification, filters,
"did you mean". It reads only the exported files (`export.py` writes them), the same
files `assets/search/engine.js` fetches, and mirrors that module step by step: change
one, change the other (tests compare their top 10 over the real corpus).
Does not own: analysis rules (`analysis.py`) or the file format (`export.py`).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbcore.problems import KbError
from .analysis import analyze, normalize, stem, words
from .export import FORMAT, INDEX_DIR, VERSION, utf16_key

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32
_PHRASE = re.compile(r'"([^"]*)"')
_ALPHA = re.compile(r"^[a-z]+$")
_ENDS_IN_WORD = re.compile(r"[^\W_]\Z")
_LN2 = 0.6931471805599453


class IndexError_(KbError):
    pass


@dataclass
class Clause:
    term: str
    variants: list[tuple[str, float, Any]] = field(default_factory=list)  # (term, weight, entry)
    word: str = ""  # the typed word when it was corrected
    correction: str = ""


class Index:
    """An exported index on disk (the `assets/search/index` folder of a built site)."""

    def __init__(self, site_dir: str | Path):
        self.root = Path(site_dir) / INDEX_DIR
        mf = self.root / "manifest.json"
        if not mf.is_file():
            raise IndexError_(f"{mf}: no search index here; build the site first (mkdocs build)")
        self.manifest = json.loads(mf.read_text("utf-8"))
        if self.manifest.get("format") != FORMAT or self.manifest.get("version") != VERSION:
            raise IndexError_(
                f"{mf}: search index format {self.manifest.get('format')} v{self.manifest.get('version')}"
                f" is not the one this kb understands ({FORMAT} v{VERSION}); rebuild the site")
        self.starts = [utf16_key(s) for s in self.manifest["term_shards"]]
        self._shards: dict[int, dict[str, list]] = {}
        self._files: dict[tuple[str, int], bytes] = {}
        self._json: dict[str, Any] = {}

    # --- files --------------------------------------------------------------------------
    def shard(self, i: int) -> dict[str, list]:
        if i not in self._shards:
            out = {}
            for line in (self.root / "t" / f"{i}.txt").read_text("utf-8").splitlines():
                t, f, p, x, dfs = line.split("\t")
                out[t] = [t, int(f), int(p), int(x), [int(v) for v in dfs.split(",")]]
            self._shards[i] = out
        return self._shards[i]

    def data(self, kind: str, n: int) -> bytes:
        key = (kind, n)
        if key not in self._files:
            self._files[key] = (self.root / kind / f"{n}.bin").read_bytes()
        return self._files[key]

    def json(self, rel: str) -> Any:
        if rel not in self._json:
            path = self.root / rel
            self._json[rel] = json.loads(path.read_text("utf-8")) if path.is_file() else None
        return self._json[rel]

    # --- dictionary ---------------------------------------------------------------------
    def lookup(self, term: str) -> list | None:
        i = bisect.bisect_right(self.starts, utf16_key(term)) - 1
        return self.shard(i).get(term) if i >= 0 else None

    def with_prefix(self, prefix: str) -> list[list]:
        key = utf16_key(prefix)
        i = max(0, bisect.bisect_right(self.starts, key) - 1)
        out = []
        while i < len(self.starts) and (self.starts[i] <= key or self.starts[i].startswith(key)):
            out += [e for t, e in self.shard(i).items() if t.startswith(prefix)]
            i += 1
        return out

    def postings(self, entry: list) -> list[list[tuple[int, int, int]]]:
        """Per field: [(doc, tf, norm)] of a dictionary entry."""
        buf, off = self.data("p", entry[1]), entry[2]
        out = []
        for df in entry[4]:
            rows, doc = [], 0
            for _ in range(df):
                delta, off = _read_varint(buf, off)
                tf, off = _read_varint(buf, off)
                norm, off = _read_varint(buf, off)
                doc += delta
                rows.append((doc, tf, norm))
            out.append(rows)
        return out

    def positions(self, entry: list) -> list[dict[int, list[int]]]:
        """Per field: doc -> positions of a dictionary entry."""
        rows = self.postings(entry)
        buf, off = self.data("x", entry[1]), entry[3]
        out = []
        for field_rows in rows:
            per = {}
            for doc, tf, _ in field_rows:
                pos, p = [], 0
                for _ in range(tf):
                    d, off = _read_varint(buf, off)
                    p += d
                    pos.append(p)
                per[doc] = pos
            out.append(per)
        return out


def _read_varint(buf: bytes, off: int) -> tuple[int, int]:
    n, shift = 0, 0
    while True:
        b = buf[off]
        off += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, off
        shift += 7


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions (OSA); limit+1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


_CODE = re.compile(r"^(?=[a-z0-9._-]*[0-9])(?=[a-z0-9._-]*[a-z._-])[a-z0-9._-]{4,}$")


def is_code(term: str) -> bool:
    """An error code, version or product code: ASCII, digits mixed with letters or dots
    ("e0586", "0x8007007a", "5.1.10", "kb4011090"). Generic words must not outweigh it."""
    return bool(_CODE.match(term))


def _df(entry: list) -> int:
    return sum(entry[4])


def parse(ix: Index, query: str) -> tuple[list[Clause], list[list[tuple[str, int]]]]:
    """Clauses (one per distinct query term, with its variants) and the quoted phrases."""
    r = ix.manifest["ranking"]
    query = query[:MAX_QUERY_CHARS]
    phrases = [list(analyze(m.group(1))) for m in _PHRASE.finditer(query)]
    phrases = [p for p in phrases if len(p) > 1]
    plain = query.replace('"', " ")
    clauses: list[Clause] = []
    seen: set[str] = set()
    for t, _ in analyze(plain):
        if t not in seen and len(clauses) < MAX_CLAUSES:
            seen.add(t)
            clauses.append(Clause(t))
    by_term = {c.term: c for c in clauses}
    synonyms = ix.manifest.get("synonyms", {}) if r["synonym"] else {}
    for c in clauses:
        e = ix.lookup(c.term)
        if e is not None:
            c.variants.append((c.term, r.get("code", 1.0) if is_code(c.term) else 1.0, e))
        for other in synonyms.get(c.term, []):
            se = ix.lookup(other)
            if se is not None:
                c.variants.append((other, r["synonym"], se))
    raw = words(plain)
    typing = raw[-1] if raw and _ENDS_IN_WORD.search(normalize(query)) else ""
    if typing and _ALPHA.match(typing) and len(typing) >= 3 and stem(typing) in by_term:
        c = by_term[stem(typing)]
        have = {v[0] for v in c.variants}
        more = sorted((e for e in ix.with_prefix(typing) if e[0] not in have), key=lambda e: (-_df(e), utf16_key(e[0])))
        c.variants += [(e[0], r["prefix"], e) for e in more[: r["prefix_max"]]]
    for w in dict.fromkeys(raw):
        c = by_term.get(stem(w)) if _ALPHA.match(w) else None
        if c is None or c.variants or len(w) < 4:
            continue
        fixes = _corrections(ix, w)[: r["fuzzy_max"]]
        c.variants += [(t, r["fuzzy"] if dist == 1 else r["fuzzy"] * r["fuzzy"], e) for dist, _, t, e, _ in fixes]
        if fixes:
            c.word, c.correction = w, fixes[0][4]
    return clauses, phrases


def _corrections(ix: Index, word: str) -> list[tuple[int, int, str, list, str]]:
    """Known words within 1 edit (2 for 8+ letters): (distance, -df, term, entry, surface)."""
    limit = 1 if len(word) < 8 else 2
    best: dict[str, tuple[int, int, str, list, str]] = {}
    files = ix.manifest["word_files"]
    for n in range(len(word) - limit, len(word) + limit + 1):
        name = f"{word[0]}{n}"
        if name not in files:
            continue
        for cand in ix.json(f"w/{name}.json") or []:
            d = edit_distance(word, cand, limit)
            if d > limit:
                continue
            t = stem(cand)
            e = ix.lookup(t)
            if e is None:
                continue
            row = (d, -_df(e), t, e, cand)
            if t not in best or row[:2] < best[t][:2] or (row[:2] == best[t][:2] and utf16_key(cand) < utf16_key(best[t][4])):
                best[t] = row
    return sorted(best.values(), key=lambda r: (r[0], r[1], utf16_key(r[2])))


def _phrase_docs(ix: Index, phrase: list[tuple[str, int]]) -> set[int]:
    """Documents where the phrase's terms occur at the same relative positions in one field."""
    entries = [ix.lookup(t) for t, _ in phrase]
    if any(e is None for e in entries):
        return set()
    pos = [ix.positions(e) for e in entries]
    found: set[int] = set()
    base = phrase[0][1]
    for f in range(len(ix.manifest["fields"])):
        docs = set(pos[0][f])
        for p in pos[1:]:
            docs &= set(p[f])
        for d in docs:
            starts = {x - (phrase[0][1] - base) for x in pos[0][f][d]}
            for (t, off), p in zip(phrase[1:], pos[1:]):
                starts &= {x - (off - base) for x in p[f][d]}
            if starts:
                found.add(d)
    return found


def ln(x: float) -> float:
    """Natural log from + - * / only, so Python and JavaScript get the very same bits
    (libm's and V8's `log` may differ in the last bit). Within 1e-15 of math.log; x > 0."""
    e = 0
    while x >= 2.0:
        x /= 2.0
        e += 1
    while x < 1.0:
        x *= 2.0
        e -= 1
    z = (x - 1.0) / (x + 1.0)
    z2 = z * z
    term, total, k = z, 0.0, 1
    while True:
        nxt = total + term / k
        if nxt == total:
            break
        total = nxt
        term *= z2
        k += 2
    return 2.0 * total + e * _LN2


def power(x: float, p: float) -> float:
    """x ** p; by repeated multiplication for whole p (exact same bits in JavaScript)."""
    if float(p).is_integer() and 0 <= p <= 16:
        out = 1.0
        for _ in range(int(p)):
            out *= x
        return out
    return x ** p


def bm25(idf: float, tf: float, fl: float, avgfl: float, B: float, K1: float) -> float:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def run(ix: Index, query: str, limit: int = 10, filters: dict[str, list[str]] | None = None) -> dict:
    """The ranked documents for a query: {"hits": [(doc, score)], "total", "did_you_mean"}."""
    m = ix.manifest
    r = m["ranking"]
    weights, B, K1 = r["weights"], r["B"], r["K1"]
    avgfl, lengths, n_docs = m["avgfl"], m["length_table"], m["doc_count"]
    clauses, phrases = parse(ix, query)
    active = [c for c in clauses if c.variants]
    scores: dict[int, float] = {}
    matched: dict[int, int] = {}
    for c in active:
        best: dict[int, float] = {}
        for _term, vw, e in c.variants:
            per: dict[int, float] = {}
            for f, rows in enumerate(ix.postings(e)):
                w = weights[f]
                if not rows or not w:
                    continue
                idf = ln(n_docs / (len(rows) + 1)) + 1
                for doc, tf, norm in rows:
                    per[doc] = per.get(doc, 0.0) + bm25(idf, tf, lengths[norm], avgfl[f], B, K1) * w
            for doc, s in per.items():
                s *= vw
                if s > best.get(doc, 0.0):
                    best[doc] = s
        for doc, s in best.items():
            scores[doc] = scores.get(doc, 0.0) + s
            matched[doc] = matched.get(doc, 0) + 1
    if r["coord"] and active:
        for doc in scores:
            scores[doc] *= power(matched[doc] / len(active), r["coord"])
    for ph in phrases:
        keep = _phrase_docs(ix, ph)
        scores = {d: s for d, s in scores.items() if d in keep}
    for name, values in (filters or {}).items():
        if not values:
            continue
        lists = ix.json(f"f/{name}.json") or {}
        allowed = {d for v in values for d in lists.get(v, [])}
        scores = {d: s for d, s in scores.items() if d in allowed}
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    fixes = [c for c in clauses if c.correction]
    suggestion = ""
    if fixes:
        suggestion = query[:MAX_QUERY_CHARS]
        for c in fixes:
            suggestion = re.sub(rf"(?i)(?<![^\W_]){re.escape(c.word)}(?![^\W_])", c.correction, suggestion)
    return {"hits": ranked[:limit], "total": len(ranked), "did_you_mean": suggestion}


def search(site_dir: str | Path, query: str, limit: int = 10, filters: dict[str, list[str]] | None = None) -> list[dict]:
    """Best-first [{id, title, url, score}] for `query` over a built site's index."""
    ix = Index(site_dir)
    res = run(ix, query, limit, filters)
    out = []
    for doc, score in res["hits"]:
        d = ix.json(f"d/{doc}.json")
        out.append({"id": d["id"], "title": d["title"], "url": d["url"], "score": round(score, 6)})
    return out
