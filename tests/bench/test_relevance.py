"""The relevance metrics and the judged query sets of bench/ (bench/relevance.py, bench/queries)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from kbtools.articles import load_article
from testkit.paths import CORPUS
from testkit.project import REPO

BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))
_spec = importlib.util.spec_from_file_location("relevance", BENCH / "relevance.py")
rel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rel)


def test_reciprocal_rank_is_one_over_the_first_relevant_rank_within_ten():
    ranked = [f"a{i}" for i in range(12)]
    assert rel.reciprocal_rank(ranked, ["a0"]) == 1.0
    assert rel.reciprocal_rank(ranked, ["a3", "a1"]) == 0.5
    assert rel.reciprocal_rank(ranked, ["a9"]) == pytest.approx(0.1)
    assert rel.reciprocal_rank(ranked, ["a10"]) == 0.0  # rank 11 is outside @10
    assert rel.reciprocal_rank([], ["a0"]) == 0.0


def test_success_at_3_counts_any_relevant_in_the_top_three():
    assert rel.success_at(["x", "y", "z", "r"], ["r"]) == 0.0
    assert rel.success_at(["x", "y", "r"], ["r", "q"]) == 1.0


def test_score_averages_per_kind_and_overall():
    queries = [
        {"q": "a", "kind": "error", "relevant": ["1"]},
        {"q": "b", "kind": "error", "relevant": ["2"]},
        {"q": "c", "kind": "typo", "relevant": ["3"]},
    ]
    ranked = [["1"], ["x", "2"], ["x", "y", "z", "w", "3"]]
    s = rel.score(queries, ranked)
    assert s["error"] == {"mrr": pytest.approx(0.75), "s3": 1.0, "n": 2}
    assert s["typo"] == {"mrr": pytest.approx(0.2), "s3": 0.0, "n": 1}
    assert s["all"]["mrr"] == pytest.approx((1 + 0.5 + 0.2) / 3)
    assert s["all"]["s3"] == pytest.approx(2 / 3)
    assert "howto" not in s


def test_load_queries_rejects_an_unknown_kind(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(
        json.dumps({"q": "x", "kind": "symptom", "relevant": ["a"]})
        + "\n\n"
        + json.dumps({"q": "y", "kind": "vibes", "relevant": ["a"]})
        + "\n"
    )
    with pytest.raises(ValueError, match=r"q.jsonl:3"):
        rel.load_queries(f)


def test_result_urls_map_to_article_ids():
    import browser

    assert browser.url_id("http://h/office-support/x/outlook-crash/") == "outlook-crash"
    assert browser.url_id("http://h/generated/a/b/foo-12/index.html") == "foo-12"
    assert browser.url_id("http://h/") == "home"


def _check_set(path: Path, ids: set[str], minimum: int) -> None:
    qs = rel.load_queries(path)
    assert len(qs) >= minimum
    assert len({q["q"].lower() for q in qs}) == len(qs), "no duplicate queries"
    unknown = sorted({r for q in qs for r in q["relevant"]} - ids)
    assert unknown == [], f"judged ids that are no article: {unknown}"


def test_corpus_queries_are_judged_against_real_articles_of_every_kind():
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    path = BENCH / "queries" / "corpus.jsonl"
    _check_set(path, {p.stem for p in CORPUS.glob("*.md")}, 80)
    assert {q["kind"] for q in rel.load_queries(path)} == set(rel.KINDS)


def test_shipped_queries_point_at_shipped_articles():
    path = BENCH / "queries" / "shipped.jsonl"
    docs = REPO / "docs"
    ids = {load_article(p.relative_to(docs).as_posix(), p.read_bytes()).id for p in docs.rglob("*.md")}
    _check_set(path, ids, 20)


def test_whoosh_baseline_indexes_markdown_as_the_reader_sees_it():
    text = rel.plain_text("## Fix\n1. Run **Deskew** then [open the log](a/b.md#x) `LIC-4003`")
    words = text.split()
    assert "Deskew" in words and "LIC-4003" in words and "open" in words
    assert not any(c in text for c in "*#`[]()") and "a/b.md" not in text


def test_customer_questions_point_at_real_articles_copy_none_of_their_words_and_split_by_hash():
    """The three batches of judged customer questions and the unanswerable set pass their writing rule
    (bench/check_queries.py) and keep the split they were written with: within a kind, sorted by
    the SHA-1 of the text, dev and heldout alternate."""
    import hashlib
    import subprocess

    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    for name in ("customer.jsonl", "customer-b.jsonl", "customer-c.jsonl"):
        _check_set(BENCH / "queries" / name, {p.stem for p in CORPUS.glob("*.md")}, 90)
        qs = rel.load_queries(BENCH / "queries" / name)
        for kind in {q["kind"] for q in qs}:
            same = sorted((q for q in qs if q["kind"] == kind), key=lambda q: hashlib.sha1(q["q"].encode()).hexdigest())
            assert [q["split"] for q in same] == [("dev", "heldout")[i % 2] for i in range(len(same))], (name, kind)
    out = subprocess.run(
        [sys.executable, str(BENCH / "check_queries.py"), "--corpus", str(CORPUS)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-2000:]
    assert "customer-b.jsonl: 96 questions, 0 violations" in out.stdout
    assert "customer-c.jsonl: 120 questions, 0 violations" in out.stdout
