"""On the real corpus: questions the KB cannot answer get no results (>= 90 %, the issue's goal),
and relevance on the judged sets stays at the floors measured last (typo weight 0.7, after the
how-to lift apart and synonym weight 0.8 of d8aed8a; customer MRR 0.516, its second batch 0.610,
its third 0.479, corpus 0.899), minus 0.02 (customer was 0.507 at 70ff491, 0.481 with the
precision gate and the mined associations).
Unanswerable: 91 % (39 of 43) with the default ranking; 86 % with the WordNet thesaurus turned on
(a word the KB lacks that the thesaurus maps to KB terms is no longer unknown to the gate: "lawn
mower won't start after winter"), which is why it is off by default. Measured with
`bench/relevance.py --kb corpus [--queries bench/queries/customer.jsonl --unanswerable]`."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from kbtools.search import search
from testkit.paths import REPO

pytestmark = pytest.mark.corpus
_spec = importlib.util.spec_from_file_location("relevance", REPO / "bench" / "relevance.py")
rel = importlib.util.module_from_spec(_spec)
sys.path.insert(0, str(REPO / "bench"))
_spec.loader.exec_module(rel)
# MRR@10 measured at commit time, minus 0.02
FLOORS = {"customer": 0.516 - 0.02, "customer-b": 0.610 - 0.02, "customer-c": 0.479 - 0.02, "corpus": 0.899 - 0.02}


def ranked(site, queries):
    return [[h["id"] for h in search(site, q["q"], limit=10)] for q in queries]


def test_unanswerable_questions_get_no_results_and_relevance_holds(corpus_site):
    nones = rel.load_queries(rel.UNANSWERABLE)
    assert len(nones) >= 30
    assert rel.no_answer_rate(ranked(corpus_site, nones)) >= 0.90
    for name, floor in FLOORS.items():
        qs = rel.load_queries(rel.QUERY_SETS[name])
        assert rel.score(qs, ranked(corpus_site, qs))["all"]["mrr"] >= floor, name
