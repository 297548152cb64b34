"""Damaged search indexes, one per kind of damage, for both engines and the browser.

Each case damages a copy of a good index folder and names the query (and filters) that make
an engine read the damaged file. Targets are found from the good index itself (the block a
query's term lives in, the meta and document files of its first result), so the same cases
work on any built site.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kbtools.search.engine import Index, run
from kbtools.search.export import BLOCK_MAGIC, framed, varint


@dataclass
class Target:
    """Where a good index keeps what a query reads."""

    query: str
    block: int
    doc: int
    meta: str
    word_file: str


def target(site: Path, query: str) -> Target:
    ix = Index(site)
    term = query.split()[0].lower()
    entry = ix.lookup(term)
    assert entry is not None, f"{term} must be in the index for the damage cases"
    doc = run(ix, query)["hits"][0][0]
    typo = term[:-1] + ("x" if term[-1] != "x" else "y")
    return Target(query, entry[1], doc, f"m/{doc // ix.manifest['meta_docs']}.json", f"w/{typo[0]}{len(typo)}.json")


def _manifest(root: Path, change: Callable[[dict], None]) -> None:
    mf = root / "manifest.json"
    data = json.loads(mf.read_text("utf-8"))
    change(data)
    mf.write_text(json.dumps(data), "utf-8")


def _raw(root: Path, where: tuple, text: str) -> None:
    """Put `text` (JSON that Python would not write, such as 1e999) at a place of the manifest."""

    def put(m: dict) -> None:
        node = m
        for k in where[:-1]:
            node = node[k]
        node[where[-1]] = "@@RAW@@"

    _manifest(root, put)
    mf = root / "manifest.json"
    mf.write_text(mf.read_text("utf-8").replace('"@@RAW@@"', text), "utf-8")


def _cut(path: Path, keep: float | int) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep) if isinstance(keep, float) else keep])


def _block(root: Path, i: int, payload: bytes) -> None:
    """Replace block i by `payload` (framed), keeping the manifest's size right so that only
    the payload is wrong."""
    raw = framed(BLOCK_MAGIC, payload)
    (root / "b" / f"{i}.bin").write_bytes(raw)
    _manifest(root, lambda m: m["blocks"][i].__setitem__(1, len(raw)))


def _entry(term: str, dfs: list[int], postings: bytes, links: bytes = b"", kb_terms: bytes = b"") -> bytes:
    out = bytearray()
    raw = term.encode()
    varint(out, len(raw))
    out += raw
    for df in dfs:
        varint(out, df)
    varint(out, len(postings))
    out += postings
    varint(out, 0)  # positions offset
    out += links or b"\x00"  # no associations
    out += kb_terms or b"\x00"  # no thesaurus terms
    return bytes(out)


def _one_term_block(
    root: Path, t: Target, postings: list[int], dfs: list[int] | None = None, links: bytes = b"", kb_terms: bytes = b""
) -> None:
    term = t.query.split()[0].lower()
    n_fields = len(json.loads((root / "manifest.json").read_text())["fields"])
    body = bytearray()
    varint(body, 1)
    body += _entry(term, dfs or [len(postings) // 3] + [0] * (n_fields - 1), bytes(postings), links, kb_terms)
    _block(root, t.block, bytes(body))


def _write(rel: str, data: bytes) -> Callable[[Path, Target], None]:
    return lambda root, t: (root / rel).write_bytes(data)


# name -> (damage(root, target), what to run: "query" | "typo" | "phrase" | "filter")
CASES: dict[str, tuple[Callable[[Path, Target], None], str]] = {
    "manifest-truncated": (lambda r, t: _cut(r / "manifest.json", 0.5), "query"),
    "manifest-zero-length": (_write("manifest.json", b""), "query"),
    "manifest-garbage-json": (_write("manifest.json", b'{"format": kb-search-index, ]'), "query"),
    "manifest-not-an-object": (_write("manifest.json", b"[1, 2, 3]"), "query"),
    "manifest-wrong-version": (lambda r, t: _manifest(r, lambda m: m.update(version=99)), "query"),
    "manifest-nan-count": (lambda r, t: _raw(r, ("doc_count",), "NaN"), "query"),
    "manifest-negative-count": (lambda r, t: _manifest(r, lambda m: m.update(doc_count=-5)), "query"),
    "manifest-huge-count": (lambda r, t: _manifest(r, lambda m: m.update(doc_count=10**30)), "query"),
    "manifest-infinite-length": (lambda r, t: _raw(r, ("length_table", 5), "1e999"), "query"),
    "manifest-zero-avgfl": (lambda r, t: _manifest(r, lambda m: m.update(avgfl=[0] * len(m["avgfl"]))), "query"),
    "manifest-blocks-out-of-order": (
        lambda r, t: _manifest(r, lambda m: m.update(blocks=[["zzzz", 10, 10]] + m["blocks"])),
        "query",
    ),
    "manifest-block-size-wrong": (
        lambda r, t: _manifest(r, lambda m: m["blocks"][t.block].__setitem__(1, m["blocks"][t.block][1] + 7)),
        "query",
    ),
    "manifest-english-not-letters": (lambda r, t: _manifest(r, lambda m: m.update(english="a1a")), "query"),
    "manifest-huge-limits": (lambda r, t: _manifest(r, lambda m: m["limits"].update(block=-1)), "query"),
    "block-truncated": (
        lambda r, t: (
            _cut(r / "b" / f"{t.block}.bin", 0.6),
            _manifest(r, lambda m: m["blocks"][t.block].__setitem__(1, (r / "b" / f"{t.block}.bin").stat().st_size)),
        ),
        "query",
    ),
    "block-zero-length": (
        lambda r, t: (
            (r / "b" / f"{t.block}.bin").write_bytes(b""),
            _manifest(r, lambda m: m["blocks"][t.block].__setitem__(1, 1)),
        ),
        "query",
    ),
    "block-bad-magic": (
        lambda r, t: (r / "b" / f"{t.block}.bin").write_bytes(b"XXXX" + (r / "b" / f"{t.block}.bin").read_bytes()[4:]),
        "query",
    ),
    "block-wrong-version": (
        lambda r, t: (r / "b" / f"{t.block}.bin").write_bytes(
            b"KBSB\x63" + (r / "b" / f"{t.block}.bin").read_bytes()[5:]
        ),
        "query",
    ),
    "block-huge-term-count": (lambda r, t: _block(r, t.block, b"\xff\xff\xff\xff\x0f"), "query"),
    "block-huge-term-length": (lambda r, t: _block(r, t.block, b"\x01\xff\xff\xff\xff\x0f" + b"a" * 20), "query"),
    "block-overlong-number": (lambda r, t: _block(r, t.block, b"\x01" + b"\xff" * 40), "query"),
    "block-term-not-utf8": (lambda r, t: _block(r, t.block, b"\x01\x02\xff\xfe" + b"\x00" * 8), "query"),
    "postings-doc-out-of-range": (lambda r, t: _one_term_block(r, t, [0x7F, 1, 1]), "query"),
    "postings-repeated-doc": (lambda r, t: _one_term_block(r, t, [0, 1, 1, 0, 1, 1]), "query"),
    "postings-zero-tf": (lambda r, t: _one_term_block(r, t, [0, 0, 1]), "query"),
    "postings-huge-df": (lambda r, t: _one_term_block(r, t, [0, 1, 1], dfs=[10**9]), "query"),
    "postings-truncated": (lambda r, t: _one_term_block(r, t, [0, 1, 1, 1], dfs=[2]), "query"),
    "association-strength-out-of-range": (
        lambda r, t: _one_term_block(r, t, [0, 1, 1], links=b"\x01\x03abc\xc8\x01"),
        "query",
    ),
    "association-huge-count": (lambda r, t: _one_term_block(r, t, [0, 1, 1], links=b"\xff\xff\x03"), "query"),
    "association-runs-past-the-end": (lambda r, t: _one_term_block(r, t, [0, 1, 1], links=b"\x01\x7fabc"), "query"),
    "thesaurus-huge-count": (lambda r, t: _one_term_block(r, t, [0, 1, 1], kb_terms=b"\xff\xff\x03"), "query"),
    "thesaurus-runs-past-the-end": (lambda r, t: _one_term_block(r, t, [0, 1, 1], kb_terms=b"\x01\x7fabc"), "query"),
    "thesaurus-term-not-utf8": (lambda r, t: _one_term_block(r, t, [0, 1, 1], kb_terms=b"\x01\x02\xff\xfe"), "query"),
    "meta-garbage": (lambda r, t: (r / t.meta).write_text("{{{"), "query"),
    "meta-wrong-shape": (lambda r, t: (r / t.meta).write_text('[["only one"]]'), "query"),
    "meta-missing": (lambda r, t: (r / t.meta).unlink(), "query"),
    "doc-garbage": (lambda r, t: (r / "d" / f"{t.doc}.json").write_text("nul"), "query"),
    "doc-wrong-shape": (lambda r, t: (r / "d" / f"{t.doc}.json").write_text('{"sections": [[1, 2]]}'), "query"),
    "words-not-a-list": (lambda r, t: (r / t.word_file).write_text('{"a": 1}'), "typo"),
    "words-huge-entries": (lambda r, t: (r / t.word_file).write_text(json.dumps(["x" * 100000])), "typo"),
    "facet-out-of-range": (lambda r, t: (r / "f" / "type.json").write_text('{"solution": [-1, 99999999]}'), "filter"),
    "positions-truncated": (lambda r, t: _cut(r / "x" / f"{t.block}.bin", 3), "phrase"),
}


# Snippet files (d/<n>.json) are read by the browser only: `kb search` never opens them.
BROWSER_ONLY = frozenset({"doc-garbage", "doc-wrong-shape"})
PYTHON_CASES = sorted(set(CASES) - BROWSER_ONLY)


def query_of(t: Target, how: str) -> tuple[str, dict]:
    """The query (and filters) that make an engine read the damaged file."""
    word = t.query.split()[0]
    if how == "typo":
        return word[:-1] + ("x" if word[-1] != "x" else "y") + " ", {}
    if how == "phrase":
        return f'"{t.query}"', {}
    if how == "filter":
        return t.query, {"type": ["solution"]}
    return t.query, {}
