"""Write the static search index (format described in `kbtools/search/README.md`).

Owns: the file layout and encodings under `assets/search/index/`: the manifest, the term
blocks (dictionary entries with their postings), the positions files, the per-document and
meta files, the facet lists and the typo-tolerance word lists. Does not own: how the index was built
(`whoosh_index.py`) or how it is queried (`engine.py`, `assets/search/engine.js`).

Files are written into a temporary folder and swapped in, so a reader never sees half an index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.util.numeric import byte_to_length  # a constant table; see README "Scoring"

from . import associations, english, synonyms, thesaurus
from .analysis import ANALYZER_ID, FRAMING, MAX_TOKEN, STOP_WORDS
from .documents import FIELDS, KIND_CODES, SearchDoc
from .inverted import Inverted

FORMAT = "kb-search-index"
VERSION = 6  # 5: ranking.lift_howto; 6: English words the KB lacks (e/, manifest english)
INDEX_DIR = "assets/search/index"
BLOCK_BYTES = 4096  # postings per term block at least (grows with the KB: at most ~MAX_BLOCKS blocks)
MAX_BLOCKS = 1500
META_DOCS = 32  # documents per m/<k>.json (title, URL, type, breadcrumbs of the first results)
MIN_TYPO_WORD = 4
MAX_SECTIONS = 10  # sections kept per document for snippets and section links
BLOCK_MAGIC = b"KBSB"
POSITIONS_MAGIC = b"KBSX"
# Hard caps the readers apply before parsing a file (an index is untrusted input).
LIMITS = {"manifest": 4 << 20, "block": 64 << 20, "json": 4 << 20, "doc": 1 << 20}
_ALPHA = re.compile(r"^[a-z]+$")


@dataclass
class Ranking:
    """Scoring parameters written into the manifest; both engines read them from there."""

    weights: dict[str, float] = field(
        default_factory=lambda: {"title": 5.0, "headings": 2.0, "tags": 3.0, "description": 2.0, "body": 1.0}
    )
    B: float = 0.75
    K1: float = 1.2
    coord: float = 1.0  # score *= (matched query words / query words) ** coord; 0 = plain BM25F
    fuzzy: float = 0.7  # weight of a typo-corrected word; 0.6 -> 0.7 on the dev halves (bench/README.md)
    prefix: float = 0.7  # weight of a completion of the word being typed
    prefix_max: int = 8  # completions tried for the word being typed
    fuzzy_max: int = 4  # corrections tried for an unknown word
    synonym: float = 0.8  # weight of a synonym (synonyms.txt); 0.5 -> 0.7 -> 0.8, on dev (bench/README.md)
    assoc: float = 0.4  # weight of a mined association (associations.py), times its strength
    # weight of a KB term standing for a word the KB lacks (thesaurus.py); 0 = off. Off by default:
    # on the real corpus's held-out questions it cost more than it gave (README "Thesaurus").
    thesaurus: float = 0.0
    code: float = 3.0  # weight of an error/version code typed in full ("e0586", "5.1.10")
    # Precision (README "Precision"): a question whose information (idf of its words) lies more
    # than this share in words the KB lacks gets no results ...
    max_unknown: float = 0.33
    min_cover: float = 0.2  # ... else a result covers this share of the known words' information; 0 = off
    weak_df: float = 0.3  # a word in more than this share of documents never makes a match alone
    fuzzy_common: float = 0.02  # a typo/prefix expansion to a word in more documents than this ...
    # ... is dropped when another informative word of the query matches nothing
    lift: float = 0.2  # score *= 1 + lift for a solution article when the question tells a symptom
    # ... and for a how-to article when it asks how to: 0, as on both dev halves (159 questions) a
    # how-to lift ranked other how-tos above the answer (new half's howto 0.69 at 0, 0.63 at 0.2)
    lift_howto: float = 0.0

    def as_json(self) -> dict:
        return {
            "weights": [self.weights.get(f, 0.0) for f in FIELDS],
            "B": self.B,
            "K1": self.K1,
            "coord": self.coord,
            "fuzzy": self.fuzzy,
            "prefix": self.prefix,
            "prefix_max": self.prefix_max,
            "fuzzy_max": self.fuzzy_max,
            "synonym": self.synonym,
            "assoc": self.assoc,
            "thesaurus": self.thesaurus,
            "code": self.code,
            "min_cover": self.min_cover,
            "max_unknown": self.max_unknown,
            "weak_df": self.weak_df,
            "fuzzy_common": self.fuzzy_common,
            "lift": self.lift,
            "lift_howto": self.lift_howto,
        }


def varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _write_json(path: Path, data) -> int:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(raw)
    return len(raw)


def framed(magic: bytes, payload: bytes | bytearray) -> bytes:
    """A binary index file: magic, format version, payload length, payload."""
    head = bytearray(magic)
    varint(head, VERSION)
    varint(head, len(payload))
    return bytes(head) + bytes(payload)


def export(
    inv: Inverted,
    docs: Sequence[SearchDoc],
    site_dir: str | Path,
    ranking: Ranking,
    facet_labels: dict[str, dict[str, str]] | None = None,
    synonym_groups: dict[str, list[str]] | None = None,
) -> dict:
    """Write the index under `site_dir/assets/search/index`; return a size summary.
    `synonym_groups`: term -> its synonyms (synonyms.load(); the package's list by default)."""
    if len(docs) != inv.doc_count or any(d.id != i for d, i in zip(docs, inv.doc_ids)):
        raise ValueError("documents and index disagree on the document order")
    final = Path(site_dir) / INDEX_DIR
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for sub in ("b", "x", "d", "m", "f", "w", "e"):
        (tmp / sub).mkdir(parents=True)
    sizes: Counter = Counter()

    # Term blocks: the dictionary entries of a run of terms (UTF-16 order: the order JavaScript
    # compares strings in) with their postings, so one request answers "which documents have
    # this term". Positions (phrases only) in x/<block>.bin.
    dfmax: dict[str, int] = {}
    for per in inv.terms.values():
        for t, postings in per.items():
            dfmax[t] = max(dfmax.get(t, 0), len(postings.docs))
    # Mined associations travel with their term's dictionary entry: no request of their own. A
    # word the KB lacks that the thesaurus maps to KB terms gets an entry of its own, without
    # postings, where it sorts: a query looks it up with the very request any word takes.
    links = associations.mine(docs) if ranking.assoc else {}
    stands_for = thesaurus.for_kb(dfmax, inv.doc_count) if ranking.thesaurus else {}
    vocab = sorted(dfmax.keys() | stands_for.keys(), key=utf16_key)
    total = sum(len(pl.docs) for per in inv.terms.values() for pl in per.values()) * 3
    target = max(BLOCK_BYTES, total // MAX_BLOCKS + 1)
    blocks: list[list] = []
    body, pos, count = bytearray(), bytearray(), 0
    first = ""

    def flush() -> None:
        nonlocal body, pos, count
        head = bytearray()
        varint(head, count)
        b_raw, x_raw = framed(BLOCK_MAGIC, head + body), framed(POSITIONS_MAGIC, pos)
        n = len(blocks)
        (tmp / "b" / f"{n}.bin").write_bytes(b_raw)
        (tmp / "x" / f"{n}.bin").write_bytes(x_raw)
        sizes["blocks"] += len(b_raw)
        sizes["positions"] += len(x_raw)
        blocks.append([first, len(b_raw), len(x_raw)])
        body, pos, count = bytearray(), bytearray(), 0

    for t in vocab:
        if count == 0:
            first = t
        post = bytearray()
        dfs = []
        x_off = len(pos)
        for f in FIELDS:
            pl = inv.terms[f].get(t)
            if pl is None:
                dfs.append(0)
                continue
            dfs.append(len(pl.docs))
            prev = 0
            for d, tf, norm in zip(pl.docs, pl.tfs, pl.norms):
                delta = d - prev
                if delta < 128 and tf < 128 and norm < 128:  # most are: this loop runs per posting
                    post += bytes((delta, tf, norm))
                else:
                    varint(post, delta)
                    varint(post, tf)
                    varint(post, norm)
                prev = d
            pos += pl.positions  # already encoded, in postings order (inverted.Postings)
        raw = t.encode("utf-8")
        varint(body, len(raw))
        body += raw
        for df in dfs:
            varint(body, df)
        varint(body, len(post))
        body += post
        varint(body, x_off)
        mine = links.get(t, ())
        varint(body, len(mine))
        for other, pct in mine:
            raw = other.encode("utf-8")
            varint(body, len(raw))
            body += raw
            varint(body, pct)
        kb_terms = stands_for.get(t, ())
        varint(body, len(kb_terms))
        for other in kb_terms:
            raw = other.encode("utf-8")
            varint(body, len(raw))
            body += raw
        count += 1
        if len(body) >= target:
            flush()
    if count or not blocks:
        flush()

    # One small file per document (snippets: sections, description) and, for the first results,
    # META_DOCS documents' title, URL, type and breadcrumbs per m/<k>.json.
    meta: list[list] = []
    for n, d in enumerate(docs):
        sizes["docs"] += _write_json(
            tmp / "d" / f"{n}.json",
            {
                "id": d.id,
                "title": d.title,
                "url": d.url,
                "type": d.type,
                "crumbs": d.breadcrumbs,
                "products": d.products,
                "versions": d.versions,
                "description": d.description,
                "sections": [[s.heading, s.anchor, _clip(s.text)] for s in d.sections[:MAX_SECTIONS]],
            },
        )
        meta.append([d.id, d.title, d.url, d.type, d.breadcrumbs])
    for k in range(0, len(meta), META_DOCS):
        sizes["meta"] += _write_json(tmp / "m" / f"{k // META_DOCS}.json", meta[k : k + META_DOCS])

    # Facets: for each filter, value -> document numbers (fetched only when a filter is set).
    facets = {"type": lambda d: [d.type], "product": lambda d: d.products, "version": lambda d: d.versions}
    facet_meta = {}
    for name, get in facets.items():
        lists: dict[str, list[int]] = {}
        for n, d in enumerate(docs):
            for v in get(d):
                lists.setdefault(v, []).append(n)
        sizes["facets"] += _write_json(tmp / "f" / f"{name}.json", lists)
        labels = (facet_labels or {}).get(name, {})
        facet_meta[name] = [[v, labels.get(v, v), len(ns)] for v, ns in sorted(lists.items())]

    # Typo tolerance: the words of the articles, by first letter and length; none longer than a
    # term (the readers refuse such a list, and a typed word that long is no term to correct).
    groups: dict[tuple[str, int], list[str]] = {}
    for w in inv.words:
        if MIN_TYPO_WORD - 1 <= len(w) <= MAX_TOKEN and w not in STOP_WORDS and _ALPHA.match(w):
            groups.setdefault((w[0], len(w)), []).append(w)
    word_files = {}
    for (letter, length), ws in sorted(groups.items()):
        name = f"{letter}{length}"
        word_files[name] = len(ws)
        sizes["words"] += _write_json(tmp / "w" / f"{name}.json", sorted(ws))

    # Real words the KB lacks, by first letter: a typed one is meant as typed (README "Precision").
    # Fetched only when a correction would otherwise be dropped.
    lacking = english.lacking(dfmax.keys())
    for letter, terms in lacking.items():
        sizes["english"] += _write_json(tmp / "e" / f"{letter}.json", terms)

    avgfl = [(inv.field_totals[f] / inv.doc_count if inv.doc_count else 0) or 1 for f in FIELDS]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "analyzer": ANALYZER_ID,
        "stop_words": sorted(STOP_WORDS),
        "framing": [[kind, ws, drop] for kind, ws, drop in FRAMING],
        "fields": list(FIELDS),
        "doc_count": inv.doc_count,
        "avgfl": avgfl,
        "length_table": [byte_to_length(b) for b in range(256)],
        "ranking": ranking.as_json(),
        "blocks": blocks,
        "meta_docs": META_DOCS,
        "kinds": "".join(KIND_CODES.get(d.kind, "o") for d in docs),
        "limits": LIMITS,
        "word_files": word_files,
        "english": "".join(lacking),
        "facets": facet_meta,
        "synonyms": synonyms.load() if synonym_groups is None else synonym_groups,
    }
    sizes["manifest"] = _write_json(tmp / "manifest.json", manifest)
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
    sizes["total"] = sum(v for k, v in sizes.items() if k != "total")
    return dict(sizes, terms_count=len(dfmax), thesaurus_count=len(stands_for), doc_count=inv.doc_count)


def utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


def _clip(text: str, limit: int = 320) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


__all__ = ["export", "Ranking", "FORMAT", "VERSION", "INDEX_DIR"]
