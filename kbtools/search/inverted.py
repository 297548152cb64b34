"""The inverted index as our own plain data: what the exporter writes and tests compare.

Owns: the in-memory shape of an index (per field: term -> postings with term frequency,
Whoosh's one-byte field-length code and positions). Does not own: how it is built
(`whoosh_index.py`) or written (`export.py`). Nothing here imports Whoosh.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field


# Compact on purpose (arrays and bytes, not lists of ints): a 10,000-article KB has millions of
# postings, and the indexing process holds all of them at once.
@dataclass(slots=True)
class Postings:
    docs: array = field(default_factory=lambda: array("I"))  # ascending document numbers
    tfs: array = field(default_factory=lambda: array("I"))  # term frequency in the field
    norms: bytearray = field(default_factory=bytearray)  # Whoosh's length byte of (doc, field)
    # The positions of every posting in order, as the positions file stores them: for each
    # posting its tf positions, LEB128 deltas starting from 0 (export.py writes these bytes as they are).
    positions: bytes = b""


@dataclass
class Inverted:
    doc_count: int
    field_totals: dict[str, int]  # total number of tokens of each field over all documents
    terms: dict[str, dict[str, Postings]]  # field -> term -> postings
    doc_ids: list[str]  # article id of each document number
    words: set[str] = field(default_factory=set)  # every raw (lower-cased, unstemmed) token seen
