"""bench/build_kb.py: each engine's build differs from the project's only in its search part."""

from __future__ import annotations

import sys

import pytest

from testkit.project import REPO

sys.path.insert(0, str(REPO / "bench"))
import build_kb  # noqa: E402


def _names(plugins) -> list[str]:
    return [build_kb._name(p) for p in plugins]


def test_variants_swap_only_the_search_plugin():
    project = [n for n in _names(build_kb.repo_plugins()) if n not in ("search", "kb-search")]
    ours, material, pagefind = (_names(build_kb.plugins_for(e)) for e in ("ours", "material", "pagefind"))
    assert ours == project + ["kb-search"]
    assert material == project + ["search"]
    assert pagefind == project
    # the project's own kb-search options (field weights) are kept for "ours"
    theirs = [p for p in build_kb.repo_plugins() if build_kb._name(p) == "kb-search"]
    if theirs:
        assert build_kb.plugins_for("ours")[-1] == theirs[0]


def test_measure_site_counts_pages_largest_page_and_the_engine_index(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text("x" * 1000)
    (site / "a" / "index.html").write_text("y" * 3000)
    (site / "pagefind").mkdir()
    (site / "pagefind" / "chunk.pf").write_bytes(b"z" * 5000)
    b = build_kb.Build("t", "pagefind", 1, site)
    build_kb.measure_site(b)
    assert b.pages == 2
    assert b.largest_page == "a/index.html" and b.largest_page_kb == pytest.approx(3000 / 1024)
    assert b.index_bytes == 5000 and b.index_files == 1
    assert 0 < b.index_gz_bytes < 5000  # repetitive bytes compress


@pytest.mark.slow
def test_material_variant_has_material_search_box(tmp_path):
    """The project header shows our box; the material baseline must get mkdocs-material's own."""
    b = build_kb.build("shipped", "material", tmp_path)
    assert b.ok, b.error
    home = (b.site / "index.html").read_text()
    assert 'class="md-search__input"' in home
    assert (b.site / "search" / "search_index.json").is_file()
