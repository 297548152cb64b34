"""The incremental preview under a real `mkdocs serve` (kbtools/build/preview.py).

One server runs for the module on a small generated KB (plus the shipped one, for the policy
pages), with short sections and a small sidebar window so that listings paginate and windows
slide. Each test makes one kind of change, waits until the preview has reloaded the browsers
and finished its background work, checks that it took the way it should (an incremental
update, not a full rebuild) and that the edited page the server returns is the new one, then
compares the whole served site, file by file, with a clean build of the same files made the
way `mkdocs serve` makes its first build. Each test edits its own articles, so any one of
them can run alone.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import re
import sys
import urllib.request
from pathlib import Path

import pytest

from kbtools.articles import load_article
from testkit.project import REPO, make_project
from testkit.serve import Serve, differences, reference_build

_spec = importlib.util.spec_from_file_location("generate_kb", REPO / "bench" / "generate_kb.py")
generate_kb = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["generate_kb"] = generate_kb
_spec.loader.exec_module(generate_kb)  # type: ignore[union-attr]

pytestmark = pytest.mark.slow
# Files that carry the day of the build: they differ only when the day changed between the
# preview's build and the reference build (a test running over midnight).
DATED = frozenset(
    {
        "sitemap.xml",
        "sitemap.xml.gz",
        "policies/product-lifecycle/index.html",
        "policy/compiled-policy.json",
    }
)


LIVERELOAD = re.compile(r"<script>\s*var livereload = .*?</script>", re.DOTALL)


class Preview:
    def __init__(self, root: Path) -> None:
        generate_kb.generate(120, root / "gen", section_size=12, per_category=4)
        self.root = root
        self.config = make_project(
            root / "project",
            {"generated": root / "gen"},
            plugin_options={
                "kb": {"nav_window": 5, "section_page_size": 10},
                "kb-search": {"synonyms": "docs/_data/synonyms.txt"},
            },
        )
        self.docs = root / "project" / "docs"
        (self.docs / "_data" / "synonyms.txt").write_text("zorblat, batch\n")
        self.articles = sorted(p for p in (self.docs / "generated").rglob("*.md") if p.name != "index.md")
        for p in self.articles:  # own copies: make_project hard-links the generated files
            data = p.read_bytes()
            p.unlink()
            p.write_bytes(data)
        self.started = dt.date.today()
        self.server = Serve(self.config, root / "serve")
        self.server.wait_for("kb: incremental preview on")
        self.refs = 0

    def change(self, do, expect: str) -> list[str]:
        """Make a change; wait for the reload and the end of the background work; return the
        log of that rebuild, after checking it went the way `expect` names."""
        mark = self.server.mark()
        do()
        self.server.wait_for("Reloading browsers", after=mark)
        self.server.wait_for("kb: preview: everything up to date", after=mark)
        log = self.server.log_since(mark)
        assert any(expect in line for line in log), "\n".join(log)
        assert not any("Traceback" in line for line in log), "\n".join(log)
        return log

    def served(self, article: Path) -> str:
        rel = article.relative_to(self.docs).with_suffix("")
        with urllib.request.urlopen(self.server.url + rel.as_posix() + "/", timeout=60) as resp:
            page = resp.read().decode("utf-8")
        return LIVERELOAD.sub("", page)  # the server adds it as it serves, with a new number each time

    def assert_same_as_a_clean_build(self) -> None:
        self.refs += 1
        ref = self.root / f"reference-{self.refs}"
        res = reference_build(self.config, ref, self.server.url)
        assert res.returncode == 0, res.stderr[-3000:]
        ignore = DATED if dt.date.today() != self.started else frozenset()
        assert differences(self.server.site, ref, ignore) == []


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    p = Preview(tmp_path_factory.mktemp("preview"))
    yield p
    p.server.stop()


def replace(path: Path, old: str, new: str):
    def do() -> None:
        text = path.read_text()
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1))

    return do


def test_a_body_edit_rewrites_that_page_only(preview):
    art = preview.articles[3]
    log = preview.change(replace(art, "\n\n", "\n\nA sentence added while writing.\n\n"), "kb: preview updated")
    assert any("1 page(s) written (1 for edited)" in line for line in log), "\n".join(log)
    assert "A sentence added while writing." in preview.served(art)
    preview.assert_same_as_a_clean_build()


def test_a_title_change_reaches_the_sidebars_listings_and_related_lists(preview):
    art = preview.articles[8]
    old = load_article("a.md", art.read_bytes()).title
    new = f"Renamed, {old}"

    def rename() -> None:
        text = re.sub(r"^title: .*$", "title: " + json.dumps(new), art.read_text(), count=1, flags=re.MULTILINE)
        art.write_text(text.replace(f"# {old}", f"# {new}", 1))

    log = preview.change(rename, "kb: preview updated")
    assert any("for navigation" in line for line in log), "\n".join(log)
    assert html.escape(new, quote=False) in preview.served(art)
    preview.assert_same_as_a_clean_build()


def test_a_new_article(preview):
    art = preview.articles[15].parent / "a-brand-new-article.md"
    preview.change(
        lambda: art.write_text(
            "---\ntitle: A brand new article\ntype: how-to\n---\n"
            "# A brand new article\n\nConfigure the scanner driver.\n"
        ),
        "rebuilding the navigation (1 new)",
    )
    assert "Configure the scanner driver." in preview.served(art)
    preview.assert_same_as_a_clean_build()


def test_a_deleted_article(preview):
    art = preview.articles[27]
    preview.change(art.unlink, "rebuilding the navigation (1 deleted)")
    preview.assert_same_as_a_clean_build()


def test_a_moved_article(preview):
    art, elsewhere = preview.articles[40], preview.articles[-20].parent
    assert art.parent != elsewhere
    preview.change(lambda: art.rename(elsewhere / art.name), "rebuilding the navigation (1 new, 1 deleted)")
    preview.assert_same_as_a_clean_build()


def test_changed_aliases(preview):
    art = preview.articles[50]
    preview.change(
        replace(art, "type:", "aliases: [hc/en-us/articles/360012345-old-title]\ntype:"),
        "kb: preview updated",
    )
    redirect = preview.server.site / "hc" / "en-us" / "articles" / "360012345-old-title" / "index.html"
    assert art.stem in redirect.read_text()
    preview.change(replace(art, "360012345-old-title", "360099999-another"), "kb: preview updated")
    assert not redirect.exists()
    preview.assert_same_as_a_clean_build()


def test_a_policy_change_rebuilds_everything_and_says_so(preview):
    policy = preview.docs / "_data" / "support-policy.yml"
    preview.change(
        replace(policy, "name: PSIcapture (sample)", "name: PSIcapture Pro (sample)"),
        "kb: full rebuild: the policy file _data/support-policy.yml changed",
    )
    preview.assert_same_as_a_clean_build()


def test_a_synonyms_change_rebuilds_everything_and_says_so(preview):
    synonyms = preview.docs / "_data" / "synonyms.txt"
    preview.change(
        replace(synonyms, "zorblat, batch", "zorblat, scanner"),
        "kb: full rebuild: the synonyms file _data/synonyms.txt changed",
    )
    manifest = json.loads((preview.server.site / "assets" / "search" / "index" / "manifest.json").read_text())
    assert manifest["synonyms"]["zorblat"] == ["scanner"]
    preview.assert_same_as_a_clean_build()


def test_a_status_change_and_a_section_title(preview):
    art = preview.articles[60]
    preview.change(replace(art, "type:", "status: draft\ntype:"), "rebuilding the navigation")
    index = preview.articles[70].parent / "index.md"
    preview.change(
        lambda: index.write_text(
            "---\ntitle: Scanning, renamed\ntype: documentation\n---\n"
            "# Scanning, renamed\n\n<!-- kb:section-listing -->\n"
        ),
        "rebuilding the navigation (1 new)",
    )
    preview.assert_same_as_a_clean_build()


def test_an_error_keeps_the_served_page_and_is_reported_at_its_line(preview):
    art = preview.articles[80]
    before = preview.served(art)
    mark = preview.server.mark()
    replace(art, "\n\n", "\n\n![shot](missing.png)\n\n")()
    line = preview.server.wait_for("KB205", after=mark)
    where = re.escape(art.relative_to(preview.docs).as_posix())
    assert re.search(where + r":\d+: KB205 missing image 'missing.png'", line)
    preview.server.wait_for("Reloading browsers", after=mark)
    assert not any("Traceback" in entry for entry in preview.server.log_since(mark))
    assert preview.served(art) == before  # nothing half-written
    preview.change(replace(art, "![shot](missing.png)", "Fixed."), "kb: preview updated")
    assert "Fixed." in preview.served(art)
    preview.assert_same_as_a_clean_build()


def test_an_editors_swap_file_changes_nothing(preview):
    swap = preview.articles[90].parent / f".{preview.articles[90].name}.swp"
    mark = preview.server.mark()
    swap.write_bytes(b"\0vim swap")
    preview.server.wait_for("Reloading browsers", after=mark)
    log = preview.server.log_since(mark)
    assert not any(w in line for line in log for w in ("preview updated", "rebuild", "navigation")), "\n".join(log)
    swap.unlink()
