"""The synthetic KB generator (bench/generate_kb.py): valid, bounded, deterministic articles."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from kbtools.articles import load_article
from testkit.project import REPO

_spec = importlib.util.spec_from_file_location("generate_kb", REPO / "bench" / "generate_kb.py")
gen = importlib.util.module_from_spec(_spec)
sys.modules["generate_kb"] = gen  # dataclasses look their module up by name
_spec.loader.exec_module(gen)

N = 240


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("gen") / "kb"
    plans = gen.generate(N, out, seed=7, section_size=20, per_category=3)
    return out, plans


def test_writes_n_valid_articles_with_known_products(kb):
    out, _ = kb
    files = _files(out)
    assert len(files) == N
    products = {pid: versions for pid, _, versions in gen.load_products()}
    ids = []
    for rel, raw in files.items():
        art = load_article(rel, raw, products)
        assert [p for p in art.problems if p.severity == "error"] == [], rel
        assert art.has_front_matter and art.description and art.tags and art.products
        assert art.type in gen.TYPES
        ids.append(art.id)
        words = len(raw.decode().split("---", 2)[2].split())
        assert 250 <= words <= 1700, (rel, words)
        assert any(h.level == 2 for h in art.headings), rel
    assert len(set(ids)) == N, "article ids (file slugs) must be unique"


def test_sections_are_bounded_and_nested_category_section_article(kb):
    out, _ = kb
    per_section = Counter(str(Path(rel).parent) for rel in _files(out))
    assert all(len(Path(s).parts) == 2 for s in per_section), "category/section/article.md"
    assert max(per_section.values()) == 20
    per_category = Counter(Path(s).parts[0] for s in per_section)
    assert max(per_category.values()) <= 3


def test_links_between_articles_resolve(kb):
    out, _ = kb
    links = 0
    for p in out.rglob("*.md"):
        for target in re.findall(r"\]\(([^)]+\.md)\)", p.read_text()):
            links += 1
            assert (p.parent / target).resolve().is_file(), (p, target)
    assert links > N // 2, "articles link to one another"


def test_same_seed_same_bytes_other_seed_differs_and_sizes_share_a_prefix(tmp_path):
    a = gen.generate(60, tmp_path / "a", seed=3, section_size=20, per_category=3)
    gen.generate(60, tmp_path / "b", seed=3, section_size=20, per_category=3)
    gen.generate(60, tmp_path / "c", seed=4, section_size=20, per_category=3)
    gen.generate(25, tmp_path / "d", seed=3, section_size=20, per_category=3)
    fa = _files(tmp_path / "a")
    assert fa == _files(tmp_path / "b")
    assert fa != _files(tmp_path / "c")
    fd = _files(tmp_path / "d")
    assert fd and all(fa[k] == v for k, v in fd.items()), "a smaller KB is a prefix of a larger one"
    assert len(a) == 60


def test_judged_queries_point_at_articles_that_answer_them(kb):
    out, plans = kb
    by_id = {p.id: p for p in plans}
    text = {Path(rel).stem: raw.decode() for rel, raw in _files(out).items()}
    qs = gen.judged_queries(plans, seed=7)
    kinds = Counter(q["kind"] for q in qs)
    assert set(kinds) == {"error", "symptom", "howto", "typo"}
    for q in qs:
        assert q["relevant"] and all(r in by_id for r in q["relevant"]), q
        if q["kind"] == "error":
            code = q["q"].removeprefix("error ")
            assert all(code in text[r] for r in q["relevant"]), q
            # every solution carrying that code is judged relevant, not just one
            assert {p.id for p in plans if p.type == "solution" and p.code == code} == set(q["relevant"])
        if q["kind"] == "howto":
            assert all(by_id[r].type == "how-to" and by_id[r].component in q["q"] for r in q["relevant"])
