"""The inverted index as our own plain data: what the exporter writes and tests compare.

Owns: the in-memory shape of an index (per field: term -> postings with term frequency,
Whoosh's one-byte field-length code and positions). Does not own: how it is built
(`whoosh_index.py`) or written (`export.py`). Nothing here imports Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Postings:
    docs: list[int] = field(default_factory=list)  # ascending document numbers
    tfs: list[int] = field(default_factory=list)  # term frequency in the field
    norms: list[int] = field(default_factory=list)  # Whoosh's length byte of (doc, field)
    positions: list[list[int]] = field(default_factory=list)


@dataclass
class Inverted:
    doc_count: int
    field_totals: dict[str, int]  # total number of tokens of each field over all documents
    terms: dict[str, dict[str, Postings]]  # field -> term -> postings
    doc_ids: list[str]  # article id of each document number
    words: set[str] = field(default_factory=set)  # every raw (lower-cased, unstemmed) token seen
