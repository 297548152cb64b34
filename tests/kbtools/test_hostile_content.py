"""Hostile content from writers (or from an import): nothing a page, a folder name or a front
matter supplies runs in the browser, no file outside docs/ is published, and aliases cannot
replace pages. One build of a small KB full of traps; Chromium visits every page it made."""

from __future__ import annotations

import os

import pytest

from testkit.project import build, make_project
from testkit.server import serve

# `__xss(n)` records an execution; the page defines it before anything else runs.
SCRIPT = "<img src=x onerror=__xss(1)>"
FOLDER = "<svg onload=__xss(2)> & co"  # a folder name: no '/' allowed, everything else is
INDEX_TITLE = "<script>__xss(3)</script> Index"
SUBTITLE = '"><img src=x onerror=__xss(4)>'
DESCRIPTION = "</title><script>__xss(5)</script>"
# A folder without index.md: its name becomes its title (sidebar, breadcrumbs, its generated
# page). The title is made with '-' and '_' as spaces, capitalized: hence `kbxss`, lower case.
BARE_FOLDER = "<img src=x onerror=kbxss(6)> tools & co"


def _article(title: str, extra: str = "", body: str = "Text.") -> str:
    # The body is the writer's Markdown (raw HTML in it is theirs to write, as in MkDocs);
    # what is under test is everything else: front matter, folder names, generated pages.
    return f"---\ntitle: {title!r}\ntype: faq\n{extra}---\n{body}\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOKEN=do-not-publish\n")
    (outside / "leak.md").write_text(_article("Leaked page"))
    cfg = make_project(root, include_shipped=False, plugin_options={"kb": {"section_page_size": 10}})
    docs = root / "docs"
    folder = docs / FOLDER
    folder.mkdir()
    (folder / "index.md").write_text(_article(INDEX_TITLE, "description: 'A section'\n"))
    for i in range(12):  # more than one listing page: the paginated heading is a sink too
        (folder / f"a{i:02d}.md").write_text(
            _article(f"Article {i} {SCRIPT}", f"subtitle: {SUBTITLE!r}\ndescription: {DESCRIPTION!r}\n")
        )
    (folder / "a00.md").write_text(_article(f"Article 0 {SCRIPT}", f"subtitle: {SUBTITLE!r}\naliases: [old/a0]\n"))
    (docs / BARE_FOLDER).mkdir()
    (docs / BARE_FOLDER / "tool.md").write_text(_article("A tool"))
    os.symlink(outside / "secret.txt", docs / "environ.txt")
    os.symlink(outside, docs / "linked-folder", target_is_directory=True)
    # The build machine's own files, as in the finding (the environment held a CI token).
    os.symlink("/proc/self/environ", docs / "machine-env.txt")
    os.symlink("/etc/passwd", docs / "passwd.md")
    return root, cfg


def test_links_out_of_docs_fail_the_build_and_publish_nothing(hostile):
    root, cfg = hostile
    res = build(cfg)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out
    assert "environ.txt:1: KB214 is a symbolic link to " in out
    assert "linked-folder:1: KB214 is a symbolic link to " in out
    assert "machine-env.txt:1: KB214 is a symbolic link to '/proc/self/environ'" in out
    assert "passwd.md:1: KB214 is a symbolic link to '/etc/passwd'" in out
    assert not (root / "site").exists()


def test_kb_lint_reports_the_links_and_does_not_follow_them(hostile, capsys):
    from kbtools.cli import main

    root, _ = hostile
    rc = main(["lint", str(root / "docs")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "environ.txt:1: KB214" in out and "linked-folder:1: KB214" in out
    assert "machine-env.txt:1: KB214" in out and "passwd.md:1: KB214" in out and "root:" not in out
    assert "Leaked page" not in out and "leak.md" not in out


@pytest.fixture(scope="module")
def built(hostile):
    root, cfg = hostile
    (root / "docs" / "environ.txt").unlink()
    (root / "docs" / "linked-folder").unlink()
    (root / "docs" / "machine-env.txt").unlink()
    (root / "docs" / "passwd.md").unlink()
    res = build(cfg)
    assert res.returncode == 0, res.stdout + res.stderr
    site = root / "site"
    assert "do-not-publish" not in "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())
    srv = serve(site)
    yield site, srv.url
    srv.stop()


@pytest.mark.browser
def test_no_page_runs_what_a_writer_supplied(built, browser):
    site, url = built
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert any("kb-page-2" in p for p in pages), "the section should be paginated"
    assert any(p.startswith("old/a0") for p in pages), "the alias should have a redirect page"
    ctx = browser.new_context()
    ctx.add_init_script("window.__runs = []; window.__xss = window.kbxss = (n) => window.__runs.push(n);")
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ran: dict[str, list[int]] = {}
    for rel in pages:
        page.goto(url + rel, wait_until="load")
        page.wait_for_timeout(50)
        runs = page.evaluate("window.__runs || []")
        if runs:
            ran[rel] = runs
    ctx.close()
    assert ran == {} and dialogs == []


def test_hostile_text_is_shown_as_text(built):
    site, _ = built
    listing = next(p for p in site.rglob("kb-page-2/index.html")).read_text()
    assert "&lt;script&gt;__xss(3)&lt;/script&gt; Index (page 2 of 2)" in listing
    article = next(p for p in site.rglob("a01/index.html")).read_text()
    assert "Article 1 &lt;img src=x onerror=__xss(1)&gt;" in article
    assert "<script>__xss" not in article and "<img src=x onerror" not in article
    assert (
        "&#34;&gt;&lt;img src=x onerror=__xss(4)&gt;" in article
        or "&quot;&gt;&lt;img src=x onerror=__xss(4)&gt;" in article
    )


def test_a_folder_name_is_text_in_the_sidebar_the_breadcrumbs_and_its_page(built):
    site, _ = built
    shown = "&lt;img src=x onerror=kbxss(6)&gt; tools &amp; co"
    landing = (site / BARE_FOLDER / "index.html").read_text()
    article = (site / BARE_FOLDER / "tool" / "index.html").read_text()
    assert f"<h1>{shown}</h1>" in landing
    crumbs = article.split('<nav class="kb-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert f">{shown}</a></li>" in crumbs
    for page in (landing, article):
        sidebar = page.split('class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        assert shown in sidebar
        assert "<img src=x onerror=kbxss" not in page


@pytest.mark.parametrize(
    "aliases, code, message",
    [
        ("[https://evil.example/x]", "KB215", "is not a relative site path"),
        ("['/absolute/path']", "KB215", "is not a relative site path"),
        ("['../../outside']", "KB215", "is not a relative site path"),
        ("['search']", "KB216", "would replace a page the site generates ('search/')"),
        ("['request/']", "KB216", "would replace a page the site generates ('request/')"),
        ("['']", "KB104", "is not a non-empty text"),
        ("['index.html']", "KB216", "would replace the home page"),
        ("['guide/other']", "KB216", "would replace the article docs/guide/other.md"),
        ("['guide/self']", "KB217", "is this article's own address"),
    ],
)
def test_an_alias_cannot_replace_a_page(tmp_path, monkeypatch, capsys, aliases, code, message):
    from kbtools.cli import main

    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs" / "guide"
    docs.mkdir(parents=True)
    (docs / "self.md").write_text(_article("Self", f"aliases: {aliases}\n"))
    (docs / "other.md").write_text(_article("Other"))
    rc = main(["lint", str(tmp_path / "docs")])
    out = capsys.readouterr().out
    assert rc == 1
    line = next((x for x in out.splitlines() if code in x), out)
    assert line.startswith(f"docs/guide/self.md:4: {code} aliases")
    assert message in line


def test_two_articles_cannot_share_an_alias(tmp_path, capsys):
    from kbtools.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(_article("A", "aliases: [old/page]\n"))
    (docs / "b.md").write_text(_article("B", "aliases: [old/page/]\n"))
    assert main(["lint", str(docs)]) == 1
    out = capsys.readouterr().out
    assert "b.md:4: KB216 aliases: 'old/page/' would replace an alias of" in out and "a.md:4" in out


def test_an_alias_bomb_in_front_matter_is_one_problem(tmp_path, capsys):
    from kbtools.cli import main

    lol = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bomb.md").write_text("---\ntitle: Bomb\ntype: faq\n" + lol + "---\n# Bomb\n")
    assert main(["lint", str(docs)]) == 1
    out = capsys.readouterr().out
    assert out.count("KB102 ") == 1 and "anchors and aliases" in out


@pytest.mark.parametrize(
    "alias, message",
    [
        ("guide/logo.png", "would need a folder 'guide/logo.png/' where there is the file docs/guide/logo.png"),
        ("guide/logo.png/old", "would need a folder 'guide/logo.png/' where there is the file docs/guide/logo.png"),
        ("sitemap.xml", "would need a folder 'sitemap.xml/' where there is a file the site generates"),
        ("404.html/old", "would need a folder '404.html/' where there is a file the site generates"),
        ("guide", "would replace the page of the folder docs/guide/"),
        ("guide/kb-page-2/", "would replace a file the site generates ('guide/kb-page-2/index.html')"),
    ],
)
def test_an_alias_cannot_collide_with_a_file_or_a_generated_page(tmp_path, monkeypatch, capsys, alias, message):
    """Before, a redirect that needed a folder where a file is ended the build in a traceback
    (FileExistsError, NotADirectoryError), and one onto a folder's page was silently dropped."""
    from kbtools.cli import main

    monkeypatch.chdir(tmp_path)
    guide = tmp_path / "docs" / "guide"
    guide.mkdir(parents=True)
    (guide / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (guide / "self.md").write_text(_article("Self", f"aliases: [{alias!r}]\n", "![Logo](logo.png)"))
    assert main(["lint", "docs"]) == 1
    assert f"docs/guide/self.md:4: KB216 aliases: '{alias}' {message}\n" in capsys.readouterr().out


def test_the_build_stops_on_an_alias_that_needs_a_folder_where_a_file_is(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False)
    guide = tmp_path / "docs" / "guide"
    guide.mkdir()
    (guide / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (guide / "self.md").write_text(_article("Self", "aliases: [guide/logo.png]\n", "![Logo](logo.png)"))
    res = build(cfg)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out and "Error: [Errno" not in out
    assert "guide/self.md:4: KB216 aliases: 'guide/logo.png' would need a folder 'guide/logo.png/'" in out
    assert not (tmp_path / "site").exists()
