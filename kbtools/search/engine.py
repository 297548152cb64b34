"""The Python query engine: searches an exported index, exactly as the browser does.

Owns: reading the index files as untrusted input (every file size-, version- and
shape-checked, every loop bounded by the bytes it reads), query parsing (framing, words,
quoted phrases, the word being typed), typo and prefix expansion, the precision rules,
BM25F scoring from the exported statistics, phrase verification, filters, "did you mean".
It reads only the exported files (`export.py` writes them), the same files
`assets/search/engine.js` fetches, and mirrors that module step by step: change one, change
the other (tests compare them on golden cases and over the real corpus).
Does not own: analysis rules (`analysis.py`) or the file format (`export.py`).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kbcore.problems import KbError

from .analysis import ANALYZER_ID, analyze, frame, normalize, stem, words
from .export import BLOCK_MAGIC, FORMAT, INDEX_DIR, POSITIONS_MAGIC, VERSION, utf16_key

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32
MAX_LINKS = 64  # associations per dictionary entry a reader accepts
PREFIX_MIN = 3  # letters of the word being typed before it is completed
# A typo may take two edits to correct: from 8 letters always; from 5 ("docuet", "otuloko") only
# for a question's one word the KB lacks (parse()). Shorter words: one edit.
TWO_EDITS_FROM = 5
TWO_EDITS_ALWAYS = 8
# ... and from 5 letters, two edits that keep the word's consonants count as one: a customer spells
# by ear ("repare" -> repair, "seperate", "acount", "alwys"; skeleton()).
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouy]")
MAX_DOCS = 10_000_000
_PHRASE = re.compile(r'"([^"]*)"')
_ALPHA = re.compile(r"^[a-z]+$")
_ENDS_IN_WORD = re.compile(r"[^\W_]\Z")
_LN2 = 0.6931471805599453


class IndexError_(KbError):
    """The index is missing, of another format, or damaged: the message names the file."""


@dataclass
class Clause:
    term: str
    variants: list[tuple[str, float, Any]] = field(default_factory=list)  # (term, weight, entry)
    word: str = ""  # the typed word when it was corrected
    correction: str = ""
    own: Any = None  # the term's own entry, if the KB has it
    expanded: bool = False  # variants from typo correction or completion only


# --- reading untrusted files ------------------------------------------------------------------


def _fail(rel: str, what: str) -> IndexError_:
    return IndexError_(f"search index damaged: {rel}: {what}; rebuild the site (mkdocs build)")


def _num(v: Any, rel: str, key: str, lo: float = 0.0, hi: float = math.inf, integer: bool = False) -> Any:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and lo <= v <= hi
    if not ok or (integer and not float(v).is_integer()):
        raise _fail(rel, f"{key} must be a{'n integer' if integer else ' number'} in [{lo}, {hi}], got {v!r}"[:200])
    return int(v) if integer else float(v)


def _strs(v: Any, rel: str, key: str) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _fail(rel, f"{key} must be a list of texts")
    return v


def check_manifest(m: Any, rel: str = "manifest.json") -> dict:
    """The manifest, checked: everything the engine later trusts (counts, tables, numbers)."""
    if not isinstance(m, dict):
        raise _fail(rel, "not a JSON object")
    if m.get("format") != FORMAT or m.get("version") != VERSION or m.get("analyzer") != ANALYZER_ID:
        raise IndexError_(
            f"{rel}: search index format {m.get('format')} v{m.get('version')} ({m.get('analyzer')})"
            f" is not the one this kb understands ({FORMAT} v{VERSION}); rebuild the site"
        )
    fields = _strs(m.get("fields"), rel, "fields")
    n = _num(m.get("doc_count"), rel, "doc_count", 0, MAX_DOCS, True)
    if not 1 <= len(fields) <= 16:
        raise _fail(rel, "fields: 1 to 16 expected")
    for key, size in (("avgfl", len(fields)), ("length_table", 256)):
        v = m.get(key)
        if not isinstance(v, list) or len(v) != size:
            raise _fail(rel, f"{key} must be a list of {size} numbers")
        for i, x in enumerate(v):
            _num(x, rel, f"{key}[{i}]", 1e-9 if key == "avgfl" else 0.0, 1e12)
    r = m.get("ranking")
    if not isinstance(r, dict) or not isinstance(r.get("weights"), list) or len(r["weights"]) != len(fields):
        raise _fail(rel, "ranking.weights must have one number per field")
    for i, x in enumerate(r["weights"]):
        _num(x, rel, f"ranking.weights[{i}]", 0, 1e6)
    for key, hi in (
        ("B", 1),
        ("K1", 100),
        ("coord", 16),
        ("fuzzy", 1e3),
        ("prefix", 1e3),
        ("synonym", 1e3),
        ("assoc", 1e3),
        ("thesaurus", 1e3),
        ("code", 1e3),
        ("min_cover", 1),
        ("max_unknown", 1),
        ("weak_df", 1),
        ("fuzzy_common", 1),
        ("lift", 1e3),
        ("lift_howto", 1e3),
    ):
        _num(r.get(key), rel, f"ranking.{key}", 0, hi)
    for key in ("prefix_max", "fuzzy_max"):
        _num(r.get(key), rel, f"ranking.{key}", 0, 1000, True)
    _strs(m.get("stop_words"), rel, "stop_words")
    framing = m.get("framing")
    if not isinstance(framing, list) or len(framing) > 1000:
        raise _fail(rel, "framing must be a list")
    for e in framing:
        ok = (
            isinstance(e, list)
            and len(e) == 3
            and isinstance(e[0], str)
            and isinstance(e[2], bool)
            and isinstance(e[1], list)
            and 1 <= len(e[1]) <= 8
            and all(isinstance(w, str) for w in e[1])
        )
        if not ok:
            raise _fail(rel, "framing entries must be [kind, [words], drop]")
    lim = m.get("limits")
    if not isinstance(lim, dict):
        raise _fail(rel, "limits must be an object")
    for key in ("manifest", "block", "json", "doc"):
        _num(lim.get(key), rel, f"limits.{key}", 1, 1 << 30, True)
    blocks = m.get("blocks")
    if not isinstance(blocks, list) or not blocks or len(blocks) > 1_000_000:
        raise _fail(rel, "blocks must be a non-empty list")
    prev_key: bytes | None = None
    for i, b in enumerate(blocks):
        if not (isinstance(b, list) and len(b) == 3 and isinstance(b[0], str)):
            raise _fail(rel, f"blocks[{i}] must be [first term, bytes, position bytes]")
        _num(b[1], rel, f"blocks[{i}][1]", 1, lim["block"], True)
        _num(b[2], rel, f"blocks[{i}][2]", 1, lim["block"], True)
        first = utf16_key(b[0])
        if prev_key is not None and first <= prev_key:
            raise _fail(rel, f"blocks[{i}]: first terms out of order")
        prev_key = first
    _num(m.get("meta_docs"), rel, "meta_docs", 1, 100_000, True)
    kinds = m.get("kinds")
    if not isinstance(kinds, str) or len(kinds) != n:
        raise _fail(rel, "kinds must be one letter per document")
    en = m.get("english")
    if not (isinstance(en, str) and re.fullmatch(r"[a-z]*", en) and len(set(en)) == len(en)):
        raise _fail(rel, "english must list distinct letters a-z")
    wf = m.get("word_files")
    if not isinstance(wf, dict) or not all(isinstance(k, str) and isinstance(v, int) for k, v in wf.items()):
        raise _fail(rel, "word_files must map names to counts")
    if not isinstance(m.get("facets"), dict) or not isinstance(m.get("synonyms", {}), dict):
        raise _fail(rel, "facets and synonyms must be objects")
    for t, others in m.get("synonyms", {}).items():
        _strs(others, rel, f"synonyms.{t}")
    return m


def read_varint(buf: bytes, off: int, end: int, rel: str) -> tuple[int, int]:
    """One LEB128 number of at most 5 bytes, never reading past `end`."""
    n, shift = 0, 0
    while True:
        if off >= end or shift > 28:
            raise _fail(rel, "truncated or overlong number")
        b = buf[off]
        off += 1
        n |= (b & 0x7F) << shift
        if b < 0x80:
            return n, off
        shift += 7


def read_text(buf: bytes, off: int, end: int, rel: str, what: str) -> tuple[str, int]:
    """A varint length and that many bytes of UTF-8, never reading past `end`."""
    size, off = read_varint(buf, off, end, rel)
    if off + size > end:
        raise _fail(rel, f"{what} runs past the end")
    try:
        return buf[off : off + size].decode("utf-8"), off + size
    except UnicodeDecodeError:
        raise _fail(rel, f"{what} is not UTF-8") from None


def _links_count(buf: bytes, off: int, end: int, rel: str, what: str) -> tuple[int, int]:
    """The count of a list of related terms in a dictionary entry: at most MAX_LINKS."""
    n, off = read_varint(buf, off, end, rel)
    if n > MAX_LINKS:
        raise _fail(rel, f"{what}: {n}, at most {MAX_LINKS} expected")
    return n, off


def unframe(raw: bytes, magic: bytes, rel: str) -> tuple[bytes, int, int]:
    """(buffer, payload start, payload end) of a binary index file, its header checked."""
    if raw[:4] != magic:
        raise _fail(rel, "not a search index file (bad magic)")
    version, off = read_varint(raw, 4, len(raw), rel)
    if version != VERSION:
        raise _fail(rel, f"version {version}, expected {VERSION}")
    length, off = read_varint(raw, off, len(raw), rel)
    if off + length != len(raw):
        raise _fail(rel, f"{len(raw) - off} payload bytes, the header says {length} (truncated?)")
    return raw, off, off + length


class Index:
    """An exported index on disk (the `assets/search/index` folder of a built site)."""

    def __init__(self, site_dir: str | Path):
        self.root = Path(site_dir) / INDEX_DIR
        mf = self.root / "manifest.json"
        if not mf.is_file():
            raise IndexError_(f"{mf}: no search index here; build the site first (mkdocs build)")
        self.manifest = check_manifest(self._json_file("manifest.json", 4 << 20), str(mf))
        m = self.manifest
        self.limits = m["limits"]
        self.n_fields = len(m["fields"])
        self.starts = [utf16_key(b[0]) for b in m["blocks"]]
        self.stops = set(m["stop_words"])
        self.framing = [(k, ws, drop) for k, ws, drop in m["framing"]]
        self.cues = {t for _k, ws, drop in self.framing if not drop for w in ws for t, _ in analyze(w)}
        self._blocks: dict[int, dict[str, list]] = {}
        self._files: dict[str, Any] = {}
        self._json: dict[str, Any] = {}
        self._words: dict[str, list[str]] = {}
        self._english: dict[str, frozenset[str]] = {}

    # --- files --------------------------------------------------------------------------
    def _bytes(self, rel: str, cap: int, exact: int | None = None) -> bytes:
        path = self.root / rel
        try:
            size = path.stat().st_size
            if size > cap or (exact is not None and size != exact):
                raise _fail(rel, f"{size} bytes, expected {exact if exact is not None else f'at most {cap}'}")
            return path.read_bytes()
        except OSError as exc:
            raise _fail(rel, f"cannot be read ({exc.strerror or exc})") from None

    def _json_file(self, rel: str, cap: int) -> Any:
        raw = self._bytes(rel, cap)
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise _fail(rel, f"not valid JSON ({str(exc)[:80]})") from None

    def block(self, i: int) -> dict[str, list]:
        """Term -> [term, block, [df per field], postings start, postings end, positions offset,
        [(associated term, strength in percent)], [KB terms it stands for]]. A term without
        postings is a word the KB lacks that the thesaurus maps to KB terms."""
        if i not in self._blocks:
            rel = f"b/{i}.bin"
            data = self._bytes(rel, self.limits["block"], self.manifest["blocks"][i][1])
            raw, off, end = unframe(data, BLOCK_MAGIC, rel)
            count, off = read_varint(raw, off, end, rel)
            out: dict[str, list] = {}
            n_docs = self.manifest["doc_count"]
            for _ in range(count):
                t, off = read_text(raw, off, end, rel, "term")
                dfs = []
                for _f in range(self.n_fields):
                    df, off = read_varint(raw, off, end, rel)
                    if df > n_docs:
                        raise _fail(rel, f"{t}: document frequency {df} above the {n_docs} documents")
                    dfs.append(df)
                plen, off = read_varint(raw, off, end, rel)
                if off + plen > end:
                    raise _fail(rel, f"{t}: postings run past the end")
                pstart = off
                off += plen
                xoff, off = read_varint(raw, off, end, rel)
                n_links, off = _links_count(raw, off, end, rel, f"{t}: associations")
                links = []
                for _a in range(n_links):
                    other, off = read_text(raw, off, end, rel, "association")
                    pct, off = read_varint(raw, off, end, rel)
                    if not 1 <= pct <= 100:
                        raise _fail(rel, f"{t}: association strength {pct} outside 1..100")
                    links.append((other, pct))
                n_kb, off = _links_count(raw, off, end, rel, f"{t}: thesaurus terms")
                kb_terms = []
                for _s in range(n_kb):
                    other, off = read_text(raw, off, end, rel, "thesaurus term")
                    kb_terms.append(other)
                out[t] = [t, i, dfs, pstart, pstart + plen, xoff, links, kb_terms]
            if off != end:
                raise _fail(rel, "bytes left after the last term")
            self._blocks[i] = out
            self._files[rel] = raw
        return self._blocks[i]

    def data(self, rel: str) -> bytes:
        return self._files[rel]

    def json(self, rel: str, cap: int | None = None) -> Any:
        """A JSON file of the index; None when it does not exist (a damaged one raises)."""
        if rel not in self._json:
            path = self.root / rel
            self._json[rel] = self._json_file(rel, cap or self.limits["json"]) if path.is_file() else None
        return self._json[rel]

    def _word_list(self, rel: str) -> list[str]:
        """A list of words (w/ and e/ files), shape-checked; [] when the file does not exist."""
        got = self.json(rel)
        if got is not None and not (isinstance(got, list) and all(isinstance(w, str) and len(w) <= 64 for w in got)):
            raise _fail(rel, "expected a list of words of at most 64 letters")
        return got or []

    def words(self, name: str) -> list[str]:
        """The known words of one first letter and length (w/<name>.json), shape-checked once."""
        if name not in self._words:
            self._words[name] = self._word_list(f"w/{name}.json") if name in self.manifest["word_files"] else []
        return self._words[name]

    def is_english(self, term: str) -> bool:
        """Whether a term the KB lacks is an English word's (e/<letter>.json, read on demand)."""
        letter = term[:1]
        if not letter or letter not in self.manifest["english"]:
            return False
        if letter not in self._english:
            self._english[letter] = frozenset(self._word_list(f"e/{letter}.json"))
        return term in self._english[letter]

    def meta(self, doc: int) -> list:
        """[id, title, url, type, crumbs] of a document (m/<k>.json)."""
        n, per = self.manifest["doc_count"], self.manifest["meta_docs"]
        if not 0 <= doc < n:
            raise _fail("m/", f"document {doc} out of range")
        rel = f"m/{doc // per}.json"
        rows = self.json(rel)
        k = doc % per
        if not isinstance(rows, list) or len(rows) != min(per, n - doc + k):
            raise _fail(rel, f"expected {min(per, n - doc + k)} documents")
        row = rows[k]
        if not (
            isinstance(row, list)
            and len(row) == 5
            and all(isinstance(x, str) for x in row[:4])
            and isinstance(row[4], list)
            and all(isinstance(x, str) for x in row[4])
        ):
            raise _fail(rel, f"document {doc}: expected [id, title, url, type, [crumbs]]")
        return row

    def doc(self, doc: int) -> dict:
        """The snippet data of a document (d/<n>.json), shape-checked."""
        rel = f"d/{doc}.json"
        d = self.json(rel, self.limits["doc"])
        if not isinstance(d, dict) or not isinstance(d.get("sections", []), list):
            raise _fail(rel, "expected an object with sections")
        for s in d.get("sections", []):
            if not (isinstance(s, list) and len(s) == 3 and all(isinstance(x, str) for x in s)):
                raise _fail(rel, "sections must be [heading, anchor, text]")
        return d

    # --- dictionary ---------------------------------------------------------------------
    def _block_of(self, key: bytes) -> int:
        return bisect.bisect_right(self.starts, key) - 1

    def entry(self, term: str) -> list | None:
        """A term's dictionary entry, also a word the KB lacks that only has thesaurus terms."""
        i = self._block_of(utf16_key(term))
        return self.block(i).get(term) if i >= 0 else None

    def lookup(self, term: str) -> list | None:
        """The dictionary entry of a term the KB has (one with postings)."""
        e = self.entry(term)
        return e if e is not None and any(e[2]) else None

    def with_prefix(self, prefix: str) -> list[list]:
        key = utf16_key(prefix)
        i = max(0, self._block_of(key))
        out = []
        while i < len(self.starts) and (self.starts[i] <= key or self.starts[i].startswith(key)):
            out += [e for t, e in self.block(i).items() if t.startswith(prefix) and any(e[2])]
            i += 1
        return out

    def postings(self, entry: list) -> list[list[tuple[int, int, int]]]:
        """Per field: [(doc, tf, norm)] of a dictionary entry; documents ascending, in range."""
        rel = f"b/{entry[1]}.bin"
        buf, off, end = self.data(rel), entry[3], entry[4]
        n_docs = self.manifest["doc_count"]
        out = []
        for df in entry[2]:
            rows, doc = [], -1
            for k in range(df):
                delta, off = read_varint(buf, off, end, rel)
                tf, off = read_varint(buf, off, end, rel)
                norm, off = read_varint(buf, off, end, rel)
                doc = delta if k == 0 else doc + delta
                if (k and not delta) or doc >= n_docs or not tf or norm > 255:
                    raise _fail(rel, f"{entry[0]}: posting out of range (document {doc})")
                rows.append((doc, tf, norm))
            out.append(rows)
        if off != end:
            raise _fail(rel, f"{entry[0]}: postings length does not match")
        return out

    def positions(self, entry: list) -> list[dict[int, list[int]]]:
        """Per field: doc -> positions of a dictionary entry."""
        rows = self.postings(entry)
        rel = f"x/{entry[1]}.bin"
        if rel not in self._files:
            raw = self._bytes(rel, self.limits["block"], self.manifest["blocks"][entry[1]][2])
            self._files[rel] = unframe(raw, POSITIONS_MAGIC, rel)
        buf, start, end = self._files[rel]
        off = start + entry[5]
        out = []
        for field_rows in rows:
            per = {}
            for doc, tf, _ in field_rows:
                pos, p = [], 0
                for _ in range(tf):
                    d, off = read_varint(buf, off, end, rel)
                    p += d
                    pos.append(p)
                per[doc] = pos
            out.append(per)
        return out


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


# Levenshtein distance with adjacent transpositions (OSA), as engine.js's editDistance counts it;
# `score_cutoff` + 1 when larger. RapidFuzz's, in C: a typo scans thousands of known words.
edit_distance = OSA.distance


_CODE = re.compile(r"^(?=[a-z0-9._-]*[0-9])(?=[a-z0-9._-]*[a-z._-])[a-z0-9._-]{4,}$")


def is_code(term: str) -> bool:
    """An error code, version or product code: ASCII, digits mixed with letters or dots
    ("e0586", "0x8007007a", "5.1.10", "kb4011090"). Generic words must not outweigh it."""
    return bool(_CODE.match(term))


def _df(entry: list) -> int:
    return sum(entry[2])


def _dfmax(entry: list) -> int:
    return max(entry[2])


def parse(ix: Index, query: str) -> tuple[list[Clause], list[list[tuple[str, int]]], str]:
    """Clauses (one per distinct query term, with its variants), quoted phrases, and the kind
    of article the question's framing asks for."""
    m = ix.manifest
    r = m["ranking"]
    query = query[:MAX_QUERY_CHARS]
    phrases = [list(analyze(p.group(1))) for p in _PHRASE.finditer(query)]
    phrases = [p for p in phrases if len(p) > 1]
    plain = query.replace('"', " ")
    kind, kept = frame(words(plain), ix.framing)
    clauses: list[Clause] = []
    seen: set[str] = set()
    for t, _ in analyze(" ".join(kept)):
        if t not in seen and len(clauses) < MAX_CLAUSES:
            seen.add(t)
            clauses.append(Clause(t))
    by_term = {c.term: c for c in clauses}
    synonyms = m.get("synonyms", {}) if r["synonym"] else {}
    for c in clauses:
        raw_entry = ix.entry(c.term)
        e = raw_entry if raw_entry is not None and any(raw_entry[2]) else None
        c.own = e
        if e is not None:
            c.variants.append((c.term, r["code"] if is_code(c.term) else 1.0, e))
        for other in synonyms.get(c.term, []):
            se = ix.lookup(other)
            if se is not None:
                c.variants.append((other, r["synonym"], se))
        if raw_entry is not None and r["thesaurus"]:  # a word the KB lacks or hardly uses, in its words
            have = {v[0] for v in c.variants}
            for other in raw_entry[7]:
                te = ix.lookup(other)
                if te is not None and other not in have:
                    c.variants.append((other, r["thesaurus"], te))
        if e is not None and r["assoc"]:  # mined associations: a softer expansion than synonyms
            have = {v[0] for v in c.variants}
            for other, pct in e[6]:
                ae = ix.lookup(other)
                if ae is not None and other not in have:
                    c.variants.append((other, r["assoc"] * (pct / 100), ae))
    raw = words(plain)
    typing = raw[-1] if raw and _ENDS_IN_WORD.search(normalize(query)) else ""
    if typing and _ALPHA.match(typing) and len(typing) >= PREFIX_MIN and stem(typing) in by_term:
        c = by_term[stem(typing)]
        have = {v[0] for v in c.variants}
        more = sorted((e for e in ix.with_prefix(typing) if e[0] not in have), key=lambda e: (-_df(e), utf16_key(e[0])))
        c.expanded = not c.variants
        c.variants += [(e[0], r["prefix"], e) for e in more[: r["prefix_max"]]]
    uncorrected: dict[str, str] = {}  # clause term -> the word typed for it, when nothing is one edit away
    for w in dict.fromkeys(raw):
        fc = by_term.get(stem(w)) if _ALPHA.match(w) else None
        if fc is None or fc.variants or len(w) < 4:
            continue
        _correct(fc, w, _corrections(ix, w)[: r["fuzzy_max"]], r)
        if not fc.variants:
            uncorrected[fc.term] = w
    # Not words the KB lacks: a word still being typed and too short to complete ("scanner d"),
    # which would empty the results at every new word, and a framing cue the KB never says
    # ("how" in a KB without it: the cue has set the kind already).
    partial = by_term.get(stem(typing)) if typing and _ALPHA.match(typing) and len(typing) < PREFIX_MIN else None
    clauses = [c for c in clauses if c.variants or (c is not partial and c.term not in ix.cues)]
    # A word of 5 to 7 letters two edits from a known one is a typo only when it is the question's
    # one word the KB lacks and no other word needed correcting ("docuet" in "open a word docuet in
    # edit mode"); beside other unknown or corrected words it is a word the KB lacks ("bathroom
    # ceiling" is not "cycling", nor "roof gutter ... rain" "room gather ... ran").
    lacking = [c for c in clauses if not c.variants]
    if len(lacking) == 1 and not any(c.correction for c in clauses):
        w = uncorrected.get(lacking[0].term, "")
        if TWO_EDITS_FROM <= len(w) < TWO_EDITS_ALWAYS:
            _correct(lacking[0], w, _corrections(ix, w, 2)[: r["fuzzy_max"]], r)
    # Precision: an expansion never turns a word the KB lacks into a common one while another
    # informative word of the query matches nothing at all ("kubernetes helm" -> "help"), unless
    # it corrects a typo: a word that is no English word ("lauech" -> "launch" beside "flip").
    n = m["doc_count"]
    if any(not c.variants for c in clauses):
        for c in clauses:
            typo = c.correction and not ix.is_english(c.term)
            if c.expanded and not typo:
                c.variants = [v for v in c.variants if _dfmax(v[2]) <= r["fuzzy_common"] * n]
                if not c.variants:
                    c.word = c.correction = ""
    return clauses, phrases, kind


def _correct(c: Clause, word: str, fixes: list, r: dict) -> None:
    """Give a clause the corrections of the word typed for it (weight `fuzzy`, squared for 2 edits)."""
    c.variants += [(t, r["fuzzy"] if dist == 1 else r["fuzzy"] * r["fuzzy"], e) for dist, _, t, e, _ in fixes]
    c.expanded = bool(fixes)
    if fixes:
        c.word, c.correction = word, fixes[0][4]


def skeleton(word: str) -> str:
    """A word as it sounds, roughly: doubled letters once, no vowels after the first letter."""
    w = _DOUBLE.sub(r"\1", word)
    return w[:1] + _VOWELS.sub("", w[1:])


def _corrections(ix: Index, word: str, limit: int = 0) -> list[tuple[int, int, str, list, str]]:
    """Known words within `limit` edits (by default 1, 2 from TWO_EDITS_ALWAYS letters; from
    TWO_EDITS_FROM letters two edits with the same skeleton count as one):
    (distance, -df, term, entry, surface)."""
    limit = limit or (1 if len(word) < TWO_EDITS_ALWAYS else 2)
    by_ear = skeleton(word) if len(word) >= TWO_EDITS_FROM else ""
    scan = 2 if by_ear else limit
    best: dict[str, tuple[int, int, str, list, str]] = {}
    for n in range(len(word) - scan, len(word) + scan + 1):
        near = process.extract_iter(word, ix.words(f"{word[0]}{n}"), scorer=edit_distance, score_cutoff=scan)
        for cand, d, _ in near:
            if d == 2 and by_ear and skeleton(cand) == by_ear:
                d = 1
            if d > limit:
                continue
            t = stem(cand)
            e = ix.lookup(t)
            if e is None:
                continue
            row = (d, -_df(e), t, e, cand)
            old = best.get(t)
            if old is None or row[:2] < old[:2] or (row[:2] == old[:2] and utf16_key(cand) < utf16_key(old[4])):
                best[t] = row
    return sorted(best.values(), key=lambda r: (r[0], r[1], utf16_key(r[2])))


def _phrase_docs(ix: Index, phrase: list[tuple[str, int]]) -> set[int]:
    """Documents where the phrase's terms occur at the same relative positions in one field."""
    entries = [e for e in (ix.lookup(t) for t, _ in phrase) if e is not None]
    if len(entries) < len(phrase):
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
            for (_t, off), p in zip(phrase[1:], pos[1:]):
                starts &= {x - (off - base) for x in p[f][d]}
            if starts:
                found.add(d)
    return found


def ln(x: float) -> float:
    """Natural log from + - * / only, so Python and JavaScript get the very same bits
    (libm's and V8's `log` may differ in the last bit). Within 1e-15 of math.log; x > 0
    and finite (anything else is 0: the loops below would not end)."""
    if not (0.0 < x < math.inf):
        return 0.0
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
    while k < 200:
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
    return x**p


def bm25(idf: float, tf: float, fl: float, avgfl: float, B: float, K1: float) -> float:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def information(n_docs: int, c: Clause) -> float:
    """How much a query word says (its idf over the field where it is most common); a word the
    KB lacks says the most; a corrected or completed one what its best expansion says."""
    e = c.own if c.own is not None else (c.variants[0][2] if c.variants else None)
    return ln(n_docs / ((_dfmax(e) if e is not None else 0) + 1)) + 1


def run(ix: Index, query: str, limit: int = 10, filters: dict[str, list[str]] | None = None) -> dict:
    """The ranked documents for a query: {"hits": [(doc, score)], "total", "did_you_mean"}."""
    m = ix.manifest
    r = m["ranking"]
    weights, B, K1 = r["weights"], r["B"], r["K1"]
    avgfl, lengths, n_docs = m["avgfl"], m["length_table"], m["doc_count"]
    clauses, phrases, kind = parse(ix, query)
    active = [c for c in clauses if c.variants]
    info = [information(n_docs, c) for c in clauses]
    total_info = 0.0
    for c, x in zip(clauses, info):  # a word only corrected or completed counts as surely as its best expansion
        total_info += x * max([1.0 if v[0] == c.term else v[1] for v in c.variants] or [1.0])
    weak = [c.own is not None and _dfmax(c.own) > r["weak_df"] * n_docs for c in clauses]
    any_strong = not all(weak[i] for i, c in enumerate(clauses) if c.variants) if active else False
    scores: dict[int, float] = {}
    matched: dict[int, int] = {}
    covered: dict[int, float] = {}
    strong: set[int] = set()
    for i, c in enumerate(clauses):
        if not c.variants:
            continue
        best: dict[int, float] = {}
        credit: dict[int, float] = {}  # how surely the document has this word: 1 itself, else the variant's weight
        for term, vw, e in c.variants:
            cw = 1.0 if term == c.term else vw
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
                if cw > credit.get(doc, 0.0):
                    credit[doc] = cw
        for doc, s in best.items():
            scores[doc] = scores.get(doc, 0.0) + s
            matched[doc] = matched.get(doc, 0) + 1
            covered[doc] = covered.get(doc, 0.0) + info[i] * credit[doc]
            if not weak[i]:
                strong.add(doc)
    if r["coord"] and active:
        for doc in scores:
            scores[doc] *= power(matched[doc] / len(active), r["coord"])
    if r["min_cover"] and scores:
        # A question whose information lies mostly in words the KB lacks has no answer here;
        # otherwise a result must cover enough of the information of the words the KB has.
        unknown = sum(x for c, x in zip(clauses, info) if not c.variants)
        if unknown > r["max_unknown"] * total_info:
            scores = {}
        floor = r["min_cover"] * (total_info - unknown)
        scores = {d: s for d, s in scores.items() if covered[d] >= floor and (d in strong or not any_strong)}
    lift = r["lift_howto"] if kind == "how-to" else r["lift"]
    if lift and kind:
        code = "h" if kind == "how-to" else "s"
        kinds = m["kinds"]
        for doc in scores:
            if kinds[doc] == code:
                scores[doc] *= 1.0 + lift
    for ph in phrases:
        keep = _phrase_docs(ix, ph)
        scores = {d: s for d, s in scores.items() if d in keep}
    for name, values in (filters or {}).items():
        if not values:
            continue
        allowed = set(facet_docs(ix, name, values))
        scores = {d: s for d, s in scores.items() if d in allowed}
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    fixes = [c for c in clauses if c.correction]
    suggestion = ""
    if fixes:
        suggestion = query[:MAX_QUERY_CHARS]
        for c in fixes:
            suggestion = re.sub(rf"(?i)(?<![^\W_]){re.escape(c.word)}(?![^\W_])", c.correction, suggestion)
    return {"hits": ranked[:limit], "total": len(ranked), "did_you_mean": suggestion, "docs": [d for d, _ in ranked]}


def facet_docs(ix: Index, name: str, values: list[str]) -> list[int]:
    """The documents of a facet's values (f/<facet>.json), checked."""
    rel = f"f/{name}.json"
    lists = ix.json(rel) if re.fullmatch(r"[a-z]+", name) else None
    if lists is None:
        return []
    if not isinstance(lists, dict):
        raise _fail(rel, "expected an object of value -> documents")
    out = []
    n = ix.manifest["doc_count"]
    for v in values:
        docs = lists.get(v, [])
        if not isinstance(docs, list) or not all(isinstance(d, int) and 0 <= d < n for d in docs):
            raise _fail(rel, f"{v}: expected document numbers below {n}")
        out += docs
    return out


def search(
    site_dir: str | Path, query: str, limit: int = 10, filters: dict[str, list[str]] | None = None
) -> list[dict]:
    """Best-first [{id, title, url, score}] for `query` over a built site's index."""
    ix = Index(site_dir)
    res = run(ix, query, limit, filters)
    out = []
    for doc, score in res["hits"]:
        d = ix.meta(doc)
        out.append({"id": d[0], "title": d[1], "url": d[2], "score": round(score, 6)})
    return out
