"""Writers' guard rails in a built site (issue 13, item 3), one test per rail.

One small KB is built once for the module (`built`); the placeholder rail needs failing builds
of its own. Lint-side rails are in test_lint_planted.py, test_articles.py and test_lint_ci_kit.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testkit.project import build, make_project


def write(root: Path, rel: str, text: str) -> None:
    p = root / "docs" / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def article(title: str, extra: str = "", body: str = "Some text.") -> str:
    return f"---\ntitle: {title}\ntype: how-to\n{extra}---\n# {title}\n\n{body}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("rails")
    cfg = make_project(root, include_shipped=False)
    write(
        root,
        "guides/setup/install.md",
        article("Install it", "status: published\n", "Press ++ctrl+enter++ to accept."),
    )
    write(root, "guides/setup/archived.md", article("Old way", "status: archived\n"))
    write(
        root,
        "guides/setup/draft-one.md",
        article("Draft one", "status: draft\n", "TODO: write it."),
    )
    write(
        root,
        "guides/index.md",
        "---\ntitle: Set-up guides\ntype: documentation\n---\n# Set-up guides\n",
    )
    write(root, "release-notes/psicapture/notes.md", article("Notes for 8.1"))
    res = build(cfg)
    assert res.returncode == 0, res.stderr[-3000:]
    return root / "site", res.stdout + res.stderr


def test_the_build_says_how_many_drafts_were_left_out_and_which(built):
    site, output = built
    assert "kb: 1 draft(s) left out of the build: guides/setup/draft-one.md" in output
    assert not (site / "guides" / "setup" / "draft-one").exists()


def test_the_article_status_draws_no_theme_status_icon(built):
    site, _ = built
    pages = [
        site / "guides" / "setup" / "install" / "index.html",
        site / "guides" / "setup" / "archived" / "index.html",
        site / "guides" / "setup" / "index.html",
    ]
    for page in pages:
        html = page.read_text()
        assert "md-nav__link" in html  # the sidebar is there, with the article in it ...
        assert "md-status" not in html, page  # ... and no status icon next to any entry


def test_key_notation_renders_as_keys(built):
    site, _ = built
    html = (site / "guides" / "setup" / "install" / "index.html").read_text()
    assert '<kbd class="key-control">Ctrl</kbd>' in html and '<kbd class="key-enter">Enter</kbd>' in html
    assert "++ctrl" not in html


def test_every_pymdown_extension_the_shipped_kb_uses_is_enabled(shipped_site):
    # The sample content's key notation, admonitions and attribute lists render; none shows raw.
    html = (shipped_site / "tips" / "productivity" / "keyboard-shortcuts" / "index.html").read_text()
    assert '<kbd class="key-page-down">Page Down</kbd>' in html and "++" not in html.split('class="md-content"')[1]
    assert 'class="admonition note' in html
    home = (shipped_site / "index.html").read_text()
    assert 'class="md-button md-button--primary"' in home and "{ .md-button" not in home


def test_the_404_page_has_search_and_the_request_call_out(built):
    site, _ = built
    html = (site / "404.html").read_text()
    assert "<h1>Page not found</h1>" in html
    form = re.search(
        r'<form class="kb-home-search kb-404-search" role="search" action="([^"]+)" method="get">',
        html,
    )
    assert form and form.group(1) == "/search/"  # absolute: the page answers any missing address
    assert '<input id="kb-404-q" name="q" type="search"' in html
    assert '<a class="md-button md-button--primary" href="/request/">Submit a request</a>' in html


def test_section_titles_keep_the_products_and_the_index_spelling(built):
    site, _ = built
    page = (site / "release-notes" / "psicapture" / "notes" / "index.html").read_text()
    crumbs = re.search(r'<nav class="kb-breadcrumbs".*?</nav>', page, re.DOTALL).group(0)
    # A folder named after a product id: the product's name from the lifecycle data.
    assert ">PSIcapture (sample)<" in crumbs and ">Psicapture<" not in page
    assert re.search(r'<span class="md-ellipsis">\s*PSIcapture \(sample\)\s*</span>', page)  # the sidebar
    listing = (site / "release-notes" / "index.html").read_text()
    assert ">PSIcapture (sample)</a>" in listing
    # A folder with an index.md: the index's title, not the folder name capitalised.
    guides = (site / "guides" / "setup" / "install" / "index.html").read_text()
    assert ">Set-up guides<" in guides and ">Guides<" not in guides


@pytest.fixture(scope="module")
def todo_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("todo")
    cfg = make_project(root, include_shipped=False)
    write(root, "guides/setup/install.md", article("Install it"))
    write(
        root,
        "guides/setup/draft-one.md",
        article("Draft one", "status: draft\n", "TODO: write it."),
    )
    res = build(cfg)
    assert res.returncode == 0, res.stderr[-3000:]  # a draft may keep its TODOs
    return root, cfg


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_a_placeholder_in_a_published_article_fails_the_build(todo_project, strict):
    root, cfg = todo_project
    before = (root / "site" / "index.html").read_bytes()
    write(root, "guides/setup/reset.md", article("Reset it", body="Intro.\n\nTODO: the steps."))
    try:
        res = build(cfg, strict=strict)
    finally:
        (root / "docs" / "guides" / "setup" / "reset.md").unlink()
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out
    assert "guides/setup/reset.md:9: KB212 placeholder 'TODO:' left in a published article" in out
    assert (root / "site" / "index.html").read_bytes() == before
    assert not (root / "site" / "guides" / "setup" / "reset").exists()
