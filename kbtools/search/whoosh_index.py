"""The one module that talks to Whoosh: build an index, read it back as our own data.

Owns: the Whoosh schema, the bridge from our analyzer to Whoosh's token stream, writing
the index (one writer, one process, one commit: the fast way for a build), reading it
into `inverted.Inverted`, and `whoosh_ranking` (Whoosh's own BM25F ranking, which tests
use to check that the exported index ranks the same). Everything else in kbtools talks
to `SearchDoc`/`Inverted`, never to Whoosh types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from whoosh import fields, index, query, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import length_to_byte

from .analysis import analyze
from .documents import FIELDS, SearchDoc
from .export import varint
from .inverted import Inverted, Postings


class _KbTokenizer(Tokenizer):
    """Feeds Whoosh the exact (term, position) stream of `analysis.analyze`; notes every raw
    word it saw (the typo-tolerance word lists) and each term's positions, already encoded as
    the positions file stores them (Whoosh stores term frequencies; pickling positions per
    posting costs more, and lists of (term, position) pairs of a large KB do not fit in memory)."""

    def __init__(self, seen: set[str] | None = None, field: str = "", sink: dict | None = None):
        self.seen = seen
        self.field = field
        self.sink = sink  # field -> term -> positions bytes (inverted.Postings.positions)

    def __getstate__(self) -> dict:
        # Whoosh pickles the schema (with its analyzers) into the index: not the collected data.
        return {"field": self.field}

    def __setstate__(self, state: dict) -> None:
        _KbTokenizer.__init__(self, None, state.get("field", ""), None)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = list(analyze(value, self.seen if mode == "index" else None))
        if self.sink is not None and mode == "index":
            _record_positions(self.sink[self.field], pairs)
        for text, pos in pairs:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            yield t


def _record_positions(sink: dict[str, bytearray], pairs: list[tuple[str, int]]) -> None:
    """Append one document's positions of each term to that term's bytes (documents come in order)."""
    by_term: dict[str, list[int]] = {}
    for text, pos in pairs:
        at = by_term.get(text)
        if at is None:
            by_term[text] = [pos]
        else:
            at.append(pos)
    for text, where in by_term.items():
        out = sink.get(text)
        if out is None:
            out = sink[text] = bytearray()
        last = 0
        for x in where:
            varint(out, x - last)
            last = x


# The Whoosh index is a build artifact read once, right away: compressing its blocks is wasted CPU.
_CODEC = W3Codec(compression=0)
# Postings Whoosh keeps in memory before it sorts a run of them to disk. Its estimate is about half
# of what the Python objects really take, and a 10,000-article KB has millions of postings: with
# 1 GB the whole pool stayed in memory (the indexer peaked at 1.8 GB).
_POOL_MB = 64


def _schema(seen: set[str] | None = None, sink: dict | None = None) -> fields.Schema:
    spec = {name: fields.TEXT(analyzer=_KbTokenizer(seen, name, sink), phrase=False) for name in FIELDS}
    return fields.Schema(kb_id=fields.STORED, **spec)


def build(docs: Iterable[SearchDoc], directory: str | Path) -> Inverted:
    """Index `docs` (document number = order) into a new Whoosh index in `directory`
    (one writer, one process, one commit) and return it as plain data (`read`)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    sink: dict[str, dict[str, bytearray]] = {f: {} for f in FIELDS}
    ix = index.create_in(str(directory), _schema(seen, sink))
    writer = ix.writer(procs=1, limitmb=_POOL_MB, codec=_CODEC)
    for doc in docs:
        writer.add_document(kb_id=doc.id, **doc.fields())
    writer.commit(optimize=False)
    ix.close()
    inv = read(directory, sink)
    inv.words = seen
    return inv


def read(directory: str | Path, sink: dict[str, dict[str, bytearray]]) -> Inverted:
    """The whole index as plain data: Whoosh's terms, term frequencies and length bytes,
    with the positions recorded while Whoosh indexed the very same token streams."""
    ix = index.open_dir(str(directory))
    with ix.reader() as reader:
        n = reader.doc_count_all()
        doc_ids = [reader.stored_fields(i)["kb_id"] for i in range(n)]
        totals = {f: reader.field_length(f) for f in FIELDS}
        terms: dict[str, dict[str, Postings]] = {}
        for f in FIELDS:
            per: dict[str, Postings] = {}
            fnorms = bytes(length_to_byte(reader.doc_field_length(i, f, 0)) for i in range(n))
            fpos = sink[f]
            for btext in reader.lexicon(f):
                text = btext.decode("utf-8")
                m = reader.postings(f, btext)
                p = Postings(positions=bytes(fpos.pop(text)))  # each term's bytes freed as it is read
                while m.is_active():
                    d = m.id()
                    p.docs.append(d)
                    p.tfs.append(int(m.weight()))
                    p.norms.append(fnorms[d])
                    m.next()
                per[text] = p
            terms[f] = per
            sink[f] = {}
    ix.close()
    return Inverted(doc_count=n, field_totals=totals, terms=terms, doc_ids=doc_ids)


def whoosh_ranking(
    directory: str | Path,
    terms: Iterable[str],
    weights: Mapping[str, float],
    B: float = 0.75,
    K1: float = 1.2,
    limit: int = 10,
) -> list[tuple[int, float]]:
    """Whoosh's BM25F ranking of OR(term in field, boosted by the field's weight)."""
    ix = index.open_dir(str(directory))
    q = query.Or([query.Term(f, t, boost=w) for t in terms for f, w in weights.items() if w])
    with ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)) as s:
        hits = s.search(q, limit=limit)
        out = [(h.docnum, h.score) for h in hits]
    ix.close()
    return out
