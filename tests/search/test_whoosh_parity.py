"""Recomputing BM25F from the exported files reproduces Whoosh's own ranking.

With `coord: 0` and no typo/prefix expansion, the engine's score of a query is Whoosh's
BM25F score of OR(term in field ^ weight); these tests compare the top 10 of both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbtools.articles import read_article
from kbtools.search import whoosh_index
from kbtools.search.analysis import analyze
from kbtools.search.documents import from_article
from kbtools.search.engine import Index, run
from kbtools.search.export import Ranking, export
from testkit.paths import CORPUS

from .conftest import SMALL_KB

PLAIN = dict(
    coord=0.0, fuzzy_max=0, synonym=0.0, assoc=0.0, thesaurus=0.0, code=1.0, min_cover=0.0, lift=0.0
)  # plain BM25F: no coordination, typos, synonyms, associations, thesaurus, code boost, precision rules or kind lift
QUERIES = [
    "outlook crashes when starting",
    "offline address book error",
    "0x8007007A",
    "550 5.1.10",
    "reset forgotten password",
    "activate office license",
    "turn off calendar sync",
    "registry value delete",
    "teams meeting audio",
    "excel formula",
    "onedrive sync stuck",
    "sharepoint permission denied",
    "mailbox full quota",
    "sign in error",
    "printer not working",
    "calendar sharing",
]


def _compare(tmp: Path, docs, queries, ranking: Ranking) -> int:
    export(whoosh_index.build(docs, tmp / "w"), docs, tmp / "site", ranking)
    ix = Index(tmp / "site")
    compared = 0
    for q in queries:
        terms = list(dict.fromkeys(t for t, _ in analyze(q)))
        expect = whoosh_index.whoosh_ranking(tmp / "w", terms, ranking.weights, ranking.B, ranking.K1, limit=10)
        got = run(ix, q + " ", 10)["hits"]  # trailing space: no prefix expansion
        assert [d for d, _ in got] == [d for d, _ in expect], q
        for (_, a), (_, b) in zip(got, expect):
            assert a == pytest.approx(b, rel=1e-9), q
        compared += bool(expect)
    return compared


def test_small_kb_ranks_like_whoosh(tmp_path):
    ranking = Ranking(**PLAIN)
    assert _compare(tmp_path, SMALL_KB, QUERIES, ranking) >= 6


def test_field_weights_change_the_ranking_the_same_way(tmp_path):
    ranking = Ranking(weights={"title": 1, "headings": 0, "tags": 0, "description": 0, "body": 9}, **PLAIN)
    assert _compare(tmp_path, SMALL_KB, QUERIES, ranking) >= 6


@pytest.mark.corpus
def test_real_corpus_sample_ranks_like_whoosh(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    names = sorted(os.listdir(CORPUS))[::6]  # ~400 articles: every query kind, a quick index
    docs = [from_article(read_article(str(CORPUS), n), n[:-3] + "/") for n in names]
    assert _compare(tmp_path, docs, QUERIES, Ranking(**PLAIN)) >= 12
