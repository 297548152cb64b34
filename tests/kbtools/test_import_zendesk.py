"""`kb import zendesk`: a realistic export becomes a KB that builds strict and lints clean;
old URLs redirect; what cannot be converted is listed; re-running keeps local edits; bad input
is named with file and Zendesk id, nothing is written outside --to, and the exit code is
non-zero only when nothing usable came out."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote, urljoin

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from kbtools.articles import load_article
from kbtools.cli import main
from kbtools.importers.html_to_markdown import html_to_markdown, well_formed_problems
from kbtools.importers.sync import MANIFEST, REPORT
from testkit import zendesk_export as zx
from testkit.paths import REPO
from testkit.project import build, make_project

EXTENSIONS = [
    "toc",
    "admonition",
    "attr_list",
    "tables",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
]


def render(md: str) -> BeautifulSoup:
    """The Markdown as the site's Markdown settings render it."""
    return BeautifulSoup(markdown.markdown(md, extensions=EXTENSIONS), "html.parser")


def kb(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(a) for a in args])
    return rc, out.getvalue(), err.getvalue()


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


# ----- conversion ----------------------------------------------------------------------------
def test_headings_keep_their_zendesk_ids_so_old_anchor_links_work():
    md = html_to_markdown('<h2 id="h_01ABC">Install <strong>now</strong></h2><h3 id="bad id">Next</h3>').markdown
    assert md == "## Install now {#h_01ABC}\n\n### Next\n"
    assert render(md).find("h2")["id"] == "h_01ABC"


def test_nested_lists_render_nested_and_ordered_lists_keep_their_start():
    md = html_to_markdown(
        '<ol start="3"><li>First<ul><li>a</li><li>b</li></ul></li><li><p>Second</p><p>more</p></li></ol>'
    ).markdown
    html = render(md)
    items = html.find("ol").find_all("li", recursive=False)
    assert [li.get_text(" ").split()[0] for li in items] == ["First", "Second"]
    assert [li.get_text() for li in items[0].find("ul").find_all("li")] == ["a", "b"]
    assert [p.get_text() for p in items[1].find_all("p")] == ["Second", "more"]
    assert md.startswith("3. First")


def test_code_blocks_keep_language_and_content_even_with_backticks_inside():
    code = "Get-Service | ? { $_.Status }\n# <tag> & ``` fence"
    md = html_to_markdown(
        f'<pre><code class="language-PowerShell">{code.replace("&", "&amp;").replace("<", "&lt;")}'
        "</code></pre><p>Run <code>a*b_c</code>.</p>"
    ).markdown
    assert md.startswith("````powershell\n")
    html = render(md)
    assert html.find("pre").get_text().rstrip("\n") == code
    assert html.find_all("code")[-1].get_text() == "a*b_c"


def test_a_table_with_a_header_row_becomes_a_pipe_table():
    md = html_to_markdown(
        "<table><tbody><tr><td><strong>Keys</strong></td><td><strong>Action</strong></td></tr>"
        "<tr><td>a | b</td><td><a href='https://x.example/'>link</a><br>two</td></tr></tbody></table>"
    ).markdown
    assert md.splitlines() == ["| Keys | Action |", "|---|---|", r"| a \| b | [link](https://x.example/)<br>two |"]
    html = render(md)
    assert [th.get_text() for th in html.find_all("th")] == ["Keys", "Action"]
    assert [td.get_text() for td in html.find_all("td")] == ["a | b", "linktwo"]


def test_merged_cells_and_block_content_keep_the_table_as_html_with_markdown_cells():
    md = html_to_markdown(
        '<table><tr><th>Loss</th><th>Time</th></tr><tr><td rowspan="2" onclick="x()">'
        "<p>Production</p><ul><li>down</li></ul></td><td>2 h</td></tr><tr><td>3 h</td></tr></table>"
    ).markdown
    assert 'markdown="block"' in md and "onclick" not in md
    html = render(md)
    cell = html.find("td", rowspan="2")
    assert cell.find("p").get_text() == "Production" and cell.find("li").get_text() == "down"
    assert [td.get_text(strip=True) for td in html.find_all("td")] == ["Productiondown", "2 h", "3 h"]


def test_a_merged_table_inside_a_list_or_callout_becomes_a_simple_table_and_says_so():
    got = html_to_markdown(
        "<ul><li>Item<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table></li>"
        "<li>Two</li></ul><div class='callout'><table><tr><th>x</th><th>y</th></tr><tr><td colspan=2>"
        "<p>p</p><ul><li>l</li></ul><pre>code</pre></td></tr></table></div>"
    )
    html = render(got.markdown)
    assert [li.get_text(" ").split()[0] for li in html.find("ul").find_all("li", recursive=False)] == ["Item", "Two"]
    first, second = html.find_all("table")
    assert [[td.get_text() for td in tr.find_all("td")] for tr in first.find("tbody").find_all("tr")] == [
        ["a", "b"],
        ["", "c"],
    ]
    assert second.find_parent("div")["class"] == ["admonition", "note"]
    assert second.find("td").decode_contents() == "p<br/>- l<br/><code>code</code>"
    assert [n.code for n in got.notes] == ["ZD212", "ZD212"]


def test_callouts_and_details_become_admonitions():
    md = html_to_markdown(
        '<div class="callout callout--warning"><strong>Warning:</strong> unplug <em>it</em>.'
        '<p>Second</p></div><p class="note">A note</p>'
        "<details open><summary>More</summary><p>Hidden</p></details>"
    ).markdown
    html = render(md)
    boxes = html.select("div.admonition")
    assert [b["class"] for b in boxes] == [["admonition", "warning"], ["admonition", "note"]]
    assert boxes[0].find("p", class_="admonition-title").get_text() == "Warning"
    assert [p.get_text() for p in boxes[0].find_all("p")][1:] == ["unplug it.", "Second"]
    details = html.find("details")
    assert details.has_attr("open") and details.find("summary").get_text() == "More"


def test_text_that_looks_like_markup_stays_text_and_nothing_runs():
    hostile = (
        "<p>[Enter] *star* _u_ `t` &lt;b&gt;x&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; {#id onclick=alert(1)} "
        "&amp;amp; [l](javascript:alert(1)) &lt;!-- kb:categories --&gt; ++ctrl++</p><p># h</p><p>1. n</p>"
        "<p>===</p><p>!!! note</p><p>??? x</p><p>| a | b |</p><p>&gt; q</p>"
    )
    md = html_to_markdown(
        hostile + '<a href="javascript:alert(1)">click</a><a href=" JaVa\tScRipt:x">two</a>'
        '<img src="x" onerror="alert(1)"><a href="data:text/html,<script>x</script>">d</a>'
    ).markdown
    html = render(md)
    assert [t.name for t in html.find_all(True)] == ["p"] * 9 + ["img"]
    assert not any(a.startswith("on") for t in html.find_all(True) for a in t.attrs)
    assert html.find("img")["src"] == "x"
    paragraphs = [p.get_text() for p in html.find_all("p")]
    assert paragraphs == [
        (
            "[Enter] *star* _u_ `t` <b>x</b> <script>alert(1)</script> {#id onclick=alert(1)} &amp; "
            "[l](javascript:alert(1)) <!-- kb:categories --> ++ctrl++"
        ),
        "# h",
        "1. n",
        "===",
        "!!! note",
        "??? x",
        "| a | b |",
        "> q",
        "clicktwod",
    ]


def test_what_cannot_be_converted_is_noted_never_dropped_silently():
    got = html_to_markdown(
        '<p>Watch:</p><iframe src="https://www.youtube.com/embed/abc" title="Setup"></iframe>'
        "<script>track()</script><style>p{}</style><form action='/x'><input name=a></form>"
        "<zd-widget>kept text</zd-widget><div data-widget='contact'>w</div><object data='x.swf'></object>"
    )
    assert [n.code for n in got.notes] == ["ZD201", "ZD202", "ZD202", "ZD202", "ZD203", "ZD202", "ZD203"]
    assert "https://www.youtube.com/embed/abc" in got.notes[0].message
    assert "[Setup: www.youtube.com](https://www.youtube.com/embed/abc)" in got.markdown
    assert "kept text" in got.markdown and "track()" not in got.markdown


def test_html_that_is_not_well_formed_is_found_and_still_converted():
    html = "<p>a <b>bold <i>x</b> y</i></p>\n<div>never closed\n</span>"
    assert well_formed_problems(html, most=9) == [
        "<i> from line 1 is closed by </b> on line 1",
        "</i> on line 1 closes nothing",
        "</span> on line 3 closes nothing",
        "<div> from line 2 is never closed",
    ]
    assert well_formed_problems("<p>fine<br><img src=x></p><ul><li>a<li>b</ul>") == []
    assert "never closed" in html_to_markdown(html).markdown


def test_the_seed_document_loses_no_word():
    links = {
        "Product Lifecycle Policy": "/hc/en-us/articles/1",
        "What's Included: Support and Professional Services": "/hc/en-us/articles/2",
    }
    md = html_to_markdown(zx.seed_html(links)).markdown
    html = render(md)
    words = [w for ln in zx.seed_lines() for w in ln.replace("\u00a0", " ").split() if w != "•"]
    assert html.get_text("").split() == words
    assert [h.get_text() for h in html.find_all("h2")] == [
        "Support & Maintenance Services",
        "Support Requests",
        "Customer Responsibilities",
        "Support & Maintenance Exclusions",
        "Custom Development & Support of Custom Code",
    ]
    assert html.find("td", rowspan="2") is not None
    assert [a["href"] for a in html.find_all("a")] == ["/hc/en-us/articles/1", "/hc/en-us/articles/2"]


# ----- the realistic export, imported, built, linted --------------------------------------------
@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """(project root, import output, report) of the realistic export imported into a fresh KB."""
    root = tmp_path_factory.mktemp("zendesk-site")
    export = zx.realistic_export(root / "export")
    cfg = make_project(root / "project", include_shipped=False)
    docs = root / "project" / "docs"
    (docs / "index.md").write_text(
        "---\ntype: documentation\n---\n# Help Center\n\n<!-- kb:promoted -->\n\n<!-- kb:categories -->\n"
    )
    rc, out, err = kb("import", "zendesk", export, "--to", docs)
    assert (rc, err) == (0, ""), out
    res = build(cfg, strict=True)
    assert res.returncode == 0, res.stdout + res.stderr
    return root / "project", out, json.loads((docs / REPORT).read_text())


def test_the_imported_kb_builds_strict_and_lints_clean(imported):
    project, out, report = imported
    assert "13 article(s) (2 draft(s), 2 promoted), 7 section(s), 4 categories in 'en-us'" in out
    assert report["counts"] == {"new": 13 + 7 + 4 + 4}  # articles, sections, categories, attachments
    rc, lint_out, _ = kb("lint", "--strict", project / "docs")
    assert (rc, lint_out) == (0, "kb lint: 25 article(s), 0 error(s), 0 warning(s)\n")
    for zid, rel in zx.PATHS.items():
        art = load_article(rel, (project / "docs" / rel).read_bytes())
        assert (art.id, art.title, art.problems) == (f"zd-{zid}", zx.TITLES[zid], [])
        assert art.status == ("draft" if zid in zx.DRAFTS else "published")
        built = project / "site" / rel[:-3] / "index.html"
        assert built.exists() == (zid not in zx.DRAFTS)


def test_front_matter_carries_what_zendesk_knew(imported):
    docs = imported[0] / "docs"
    fm = front(docs / zx.PATHS[zx.A_INSTALL])
    assert fm == {
        "title": "Install PSIcapture",
        "id": f"zd-{zx.A_INSTALL}",
        "type": "how-to",
        "updated": dt.date(2024, 5, 2),
        "tags": ["install", "how-to"],
        "status": "published",
        "promoted": True,
        "aliases": [f"hc/en-us/articles/{zx.A_INSTALL}-Install-PSIcapture", f"hc/en-us/articles/{zx.A_INSTALL}"],
    }
    assert front(docs / zx.PATHS[zx.A_UPCOMING])["status"] == "draft"
    assert front(docs / zx.PATHS[zx.A_NOT_DETECTED])["type"] == "solution"
    assert front(docs / zx.PATHS[zx.A_SEED])["updated"] == dt.date(2025, 11, 20)
    internal = front(docs / zx.PATHS[zx.A_INTERNAL])  # a user segment's article: never published by accident
    assert internal["status"] == "draft" and "aliases" not in internal
    de = front(docs / zx.PATHS[zx.A_LICENSE_DE])
    assert de["title"] == "Lizenzschlüssel ändern – Schritt für Schritt"
    assert de["aliases"][0] == f"hc/en-us/articles/{zx.A_LICENSE_DE}-Lizenzschlüssel-ändern-Schritt-für-Schritt"


def test_category_and_section_folders_keep_their_names_spelled_as_in_zendesk(imported):
    docs = imported[0] / "docs"
    assert front(docs / "policies-legal/index.md")["title"] == "Policies & Legal"
    assert front(docs / "uber-psigen/index.md")["title"] == "Über PSIGEN"
    scanning = front(docs / "troubleshooting/scanning/index.md")
    assert (scanning["title"], scanning["description"]) == ("Scanning", "Scanners, drivers and TWAIN.")
    assert (docs / "troubleshooting/scanning/scanner-drivers/twain/index.md").exists()  # nested twice
    nav = BeautifulSoup((imported[0] / "site/index.html").read_text(), "html.parser")
    labels = {" ".join(t.get_text().split()) for t in nav.select(".md-nav__link")}
    assert {"Policies & Legal", "Über PSIGEN", "Getting Started"} <= labels


def _redirect_target(site: Path, alias: str) -> Path:
    page = (site / alias / "index.html").read_text(encoding="utf-8")
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page).group(1)
    resolved = urljoin(f"http://h/{quote(alias)}/", target)
    from urllib.parse import unquote, urlsplit

    return site / unquote(urlsplit(resolved).path).lstrip("/") / "index.html"


def test_every_old_url_redirects_to_its_article_in_the_built_site(imported):
    project = imported[0]
    site = project / "site"
    checked = 0
    for md in sorted((project / "docs").rglob("*.md")):
        fm = front(md)
        if fm.get("status") == "draft" or not str(fm.get("id", "")).startswith("zd-"):
            continue
        target = _redirect_target(site, fm["aliases"][0])
        assert _redirect_target(site, fm["aliases"][1]) == target
        page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert page.find("h1").get_text().strip().rstrip("¶") == fm["title"], md
        checked += 1
    assert checked == 11 + 7 + 4  # published articles, sections, categories
    draft = front(project / "docs" / zx.PATHS[zx.A_UPCOMING])["aliases"][0]
    assert not (site / draft).exists()  # a draft's old URL leads nowhere until it is published


def test_promoted_articles_are_listed_on_the_home_page(imported):
    home = BeautifulSoup((imported[0] / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in home.select(".kb-promoted a")] == ["Install PSIcapture", "Product Support Commitment"]


def test_old_url_in_a_browser_lands_on_the_article_with_its_anchor(imported, page, serve):
    base = serve(imported[0] / "site")
    page.goto(base + f"hc/en-us/articles/{zx.A_REQS}-System-requirements#h_01HREQMIN")
    page.wait_for_url("**/getting-started/installation/system-requirements/#h_01HREQMIN")
    assert page.locator("h1").inner_text().strip() == "System requirements"
    page.goto(base + quote(f"hc/en-us/articles/{zx.A_LICENSE_DE}-Lizenzschlüssel-ändern-Schritt-für-Schritt"))
    page.wait_for_url("**/uber-psigen/lizenzierung/lizenzschlussel-andern-schritt-fur-schritt/")
    assert all(r.startswith(base) for r in page.kb_log.requests), page.kb_log.requests


def test_imported_pages_pass_axe_and_request_nothing_from_other_hosts(imported, page, serve, axe):
    base = serve(imported[0] / "site")
    for rel in (zx.PATHS[zx.A_SEED], zx.PATHS[zx.A_FIRST_BATCH], zx.PATHS[zx.A_REQS]):
        page.goto(base + rel[:-3] + "/")
        assert axe(page) == [], rel
    assert all(r.startswith(base) for r in page.kb_log.requests), page.kb_log.requests
    assert page.kb_log.errors == []


def test_links_images_and_attachments_point_at_the_new_files(imported):
    project = imported[0]
    install = (project / "docs" / zx.PATHS[zx.A_INSTALL]).read_text()
    assert "[minimum requirements](system-requirements.md#h_01HREQMIN)" in install
    assert "![The setup wizard](install-psicapture.files/install-wizard.png)" in install
    batch = (project / "docs" / zx.PATHS[zx.A_FIRST_BATCH]).read_text()
    assert "(../../troubleshooting/scanning/index.md)" in batch and "(../../request/index.md)" in batch
    twain = project / "docs" / zx.PATHS[zx.A_TWAIN]
    assert "- [twain-guide.pdf](configure-the-twain-driver.files/twain-guide.pdf)" in twain.read_text()
    assert (twain.parent / "configure-the-twain-driver.files/twain-guide.pdf").read_bytes() == zx.PDF
    site = project / "site"
    for rel in zx.PATHS.values():
        built = site / rel[:-3] / "index.html"
        if not built.exists():
            continue
        soup = BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("article img"):
            assert not img["src"].startswith(("http:", "https:", "//")), (rel, img["src"])
            assert (built.parent / img["src"]).resolve().is_file(), (rel, img["src"])
        for a in soup.select("article a[href]"):
            href = a["href"].split("#")[0]
            if href and not re.match(r"^[a-z]+:", href) and "?" not in href:  # ?: the theme's own links
                assert (built.parent / href).resolve().exists(), (rel, a["href"])


def test_unconvertible_items_are_listed_with_file_id_and_reason(imported):
    _, out, report = imported
    listed = {(int(p["zendesk_id"]), p["code"]) for p in report["problems"]}
    assert zx.UNCONVERTIBLE <= listed
    for p in report["problems"]:
        assert p["file"].endswith((".json",)) and p["line"] > 1 and p["output"], p
        assert f"article {p['zendesk_id']}" in p["message"]
        assert f"{p['file']}:{p['line']}: {p['code']} " in out
    iframe = next(p for p in report["problems"] if p["code"] == "ZD201")
    assert iframe["output"] == zx.PATHS[zx.A_TWAIN] and "youtube.com/embed" in iframe["message"]


# ----- running it again -------------------------------------------------------------------------
@pytest.fixture
def kb_dirs(tmp_path):
    export = zx.realistic_export(tmp_path / "export")
    docs = tmp_path / "docs"
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0, out
    return export, docs


def _edit_article(export: Path, zid: int, **changes) -> None:
    for page in sorted(export.glob("articles*.json")):
        data = json.loads(page.read_text())
        for art in data["articles"]:
            if art["id"] == zid:
                art.update(changes)
        page.write_text(json.dumps(data))


def test_running_again_changes_nothing(kb_dirs):
    export, docs = kb_dirs
    before = files_under(docs)
    mtimes = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    time.sleep(0.01)
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0
    assert "files: 28 unchanged" in out
    after = files_under(docs)
    assert {k: v for k, v in after.items() if k != REPORT} == {k: v for k, v in before.items() if k != REPORT}
    assert all(p.stat().st_mtime_ns == m for p, m in mtimes.items() if p.name != REPORT)


def test_a_change_in_zendesk_updates_a_file_nobody_edited(kb_dirs):
    export, docs = kb_dirs
    _edit_article(export, zx.A_LIFECYCLE, body="<p>Each major version is supported for <b>six</b> years.</p>")
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and "1 updated" in out and "27 unchanged" in out
    assert "supported for **six** years" in (docs / zx.PATHS[zx.A_LIFECYCLE]).read_text()


def test_local_edits_are_never_overwritten_the_new_version_goes_beside(kb_dirs):
    export, docs = kb_dirs
    local = docs / zx.PATHS[zx.A_LIFECYCLE]
    mine = local.read_text() + "\nA paragraph a writer added.\n"
    local.write_text(mine)
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)  # Zendesk unchanged: kept, nothing to say
    assert rc == 0 and local.read_text() == mine and "1 kept with local edits" in out
    _edit_article(export, zx.A_LIFECYCLE, body="<p>Six years now.</p>")
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    beside = local.with_name(".product-lifecycle-policy.zendesk.md")
    assert rc == 0 and local.read_text() == mine
    assert "Six years now." in beside.read_text()
    assert (
        f"ZD301 article {zx.A_LIFECYCLE} 'Product Lifecycle Policy': policies-legal/support-policies/"
        "product-lifecycle-policy.md was edited here since the last import; not overwritten. The Zendesk version "
        "is in policies-legal/support-policies/.product-lifecycle-policy.zendesk.md"
    ) in out
    beside.unlink()  # the writer merged it by hand
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and not beside.exists() and "ZD301" not in out and local.read_text() == mine
    rc, lint_out, _ = kb("lint", docs)
    assert "0 error(s)" in lint_out  # the .zendesk.md file is never read by the build or lint


def test_a_moved_and_renamed_article_moves_its_file_and_attachments(kb_dirs):
    export, docs = kb_dirs
    _edit_article(
        export,
        zx.A_FIRST_BATCH,
        section_id=zx.S_INSTALL,
        title="Scan a first batch",
        html_url=zx.url("articles", zx.A_FIRST_BATCH, "Scan a first batch"),
    )
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and "3 moved" in out  # the article, its image and its embedded image
    old, new = docs / zx.PATHS[zx.A_FIRST_BATCH], docs / "getting-started/installation/scan-a-first-batch.md"
    assert not old.exists() and not old.with_suffix(".files").exists()
    assert (new.with_suffix(".files") / "batch.png").exists()
    fm = front(new)
    assert fm["aliases"][0] == f"hc/en-us/articles/{zx.A_FIRST_BATCH}-Scan-a-first-batch"
    rc, lint_out, _ = kb("lint", "--strict", docs)
    assert rc == 0, lint_out


def test_an_article_deleted_here_is_not_recreated(kb_dirs):
    export, docs = kb_dirs
    (docs / zx.PATHS[zx.A_JA]).unlink()
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and not (docs / zx.PATHS[zx.A_JA]).exists()
    assert f"ZD302 article {zx.A_JA} 'ライセンスの確認': {zx.PATHS[zx.A_JA]} was deleted here" in out


def test_dry_run_writes_nothing(tmp_path):
    export = zx.realistic_export(tmp_path / "export")
    before = files_under(tmp_path)
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs", "--dry-run")
    assert rc == 0 and files_under(tmp_path) == before and not (tmp_path / "docs").exists()
    assert f"would be new: {tmp_path / 'docs' / zx.PATHS[zx.A_SEED]}" in out
    assert "files (dry run, nothing written): 28 new" in out


def test_another_locale_comes_from_the_translations(tmp_path):
    export = zx.realistic_export(tmp_path / "export")
    docs = tmp_path / "de"
    rc, out, _ = kb("import", "zendesk", export, "--to", docs, "--locale", "de")
    assert rc == 0 and "1 article(s)" in out and out.count("ZD113") == 12
    fm = front(docs / "getting-started/installation/psicapture-installieren.md")
    assert fm["title"] == "PSIcapture installieren" and fm["aliases"][0].startswith(f"hc/de/articles/{zx.A_INSTALL}-")
    rc, _, err = kb("import", "zendesk", export, "--to", docs, "--locale", "en-us")
    assert rc == 1 and "holds an import of 'de'; import 'en-us' into another folder" in err


# ----- bad input --------------------------------------------------------------------------------
def _small_export(root: Path, articles: list[dict], **kw) -> Path:
    return zx.write_export(root, [zx.category(1, "Help", 1)], [zx.section(2, 1, "General", 1)], articles, **kw)


def _art(zid: int, title: str, body: str = "<p>Text.</p>") -> dict:
    return zx.article(zid, 2, title, body)


def test_a_missing_articles_json_imports_nothing_and_says_so(tmp_path):
    export = _small_export(tmp_path / "export", [])
    (export / "articles.json").unlink()
    rc, out, err = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 1 and "Traceback" not in out + err
    assert f"{export}/articles.json:1: ZD100 missing: the export needs it" in out
    assert "ERROR: nothing imported" in err and "nothing was written" in err
    assert not (tmp_path / "docs").exists()


def test_missing_category_and_section_files_still_import_the_articles(tmp_path):
    export = _small_export(tmp_path / "export", [_art(10, "Alone")])
    (export / "categories.json").unlink()
    (export / "sections.json").unlink()
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0
    assert "categories.json:1: ZD100 missing: sections are placed in 'uncategorized/' (warning)" in out
    assert "ZD112 article 10 'Alone': section 2 is not in the export: placed in 'uncategorized/'" in out
    assert (tmp_path / "docs/uncategorized/alone.md").exists()


def test_broken_json_on_one_page_is_named_and_the_other_pages_are_imported(tmp_path):
    export = _small_export(tmp_path / "export", [_art(10, "One"), _art(11, "Two"), _art(12, "Three")], per_page=2)
    page2 = export / "articles-2.json"
    page2.write_text(page2.read_text()[:-30])
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0 and re.search(r"articles-2\.json:\d+: ZD101 not valid JSON: .* \(line \d+ column \d+\)", out)
    assert sorted(p.name for p in (tmp_path / "docs/help/general").glob("*.md")) == ["index.md", "one.md", "two.md"]


def test_malformed_html_is_named_with_its_article_and_still_imported(tmp_path):
    export = _small_export(tmp_path / "export", [_art(10, "Broken", "<p>a <b>bold <i>x</b></p>\n<div>open")])
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0
    assert "ZD200 article 10: HTML not well-formed: <i> from line 1 is closed by </b> on line 1;" in out
    assert "open" in (tmp_path / "docs/help/general/broken.md").read_text()


def test_duplicate_ids_and_slugs_are_named(tmp_path):
    export = _small_export(
        tmp_path / "export", [_art(10, "Same title"), _art(11, "Same title"), _art(10, "Copy of ten")]
    )
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0
    assert re.search(
        r"articles\.json:\d+: ZD103 article 10 appears twice \(first in .*articles\.json:\d+\): "
        r"this copy is skipped",
        out,
    )
    assert (
        "ZD211 article 11 'Same title': the name 'same-title' is already used in 'help/general/': "
        "named 'same-title-11' (warning)"
    ) in out
    assert front(tmp_path / "docs/help/general/same-title-11.md")["id"] == "zd-11"


def test_a_20_mb_article_is_refused_by_name_and_the_rest_imported(tmp_path):
    huge = "<p>" + "x" * (20 * 1024 * 1024) + "</p>"
    export = _small_export(tmp_path / "export", [_art(10, "Huge", huge), _art(11, "Small")])
    t0 = time.monotonic()
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0 and time.monotonic() - t0 < 60
    assert "ZD120 article 10 'Huge': body is 21.0 MB, over the 10 MB limit: not imported" in out
    assert sorted(p.name for p in (tmp_path / "docs/help/general").glob("*.md")) == ["index.md", "small.md"]


def test_path_traversal_in_attachment_names_writes_nothing_outside(tmp_path):
    body = (
        '<p><img src="/hc/article_attachments/5/..%2F..%2F..%2Fevil.png"></p>'
        '<p><a href="/hc/article_attachments/6/..%5C..%5Cevil.txt">x</a></p>'
    )
    export = _small_export(
        tmp_path / "export",
        [_art(10, "Sneaky", body)],
        files={"6/readme.txt": b"six", "7/ok.png": zx.png()},
        attachments=[zx.attachment(7, 10, "../../../../outside.png", "image/png", False, 10)],
    )
    outside_before = files_under(tmp_path)
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0
    for aid, name in ((5, "../../../evil.png"), (6, "..\\..\\evil.txt"), (7, "../../../../outside.png")):
        assert (
            f"ZD208 article 10 (help/general/sneaky.md): attachment {aid} names the file {name!r}, a path out "
            "of its folder: the name is ignored"
        ) in out
    assert "attachment 5 is not in attachments/5/" in out
    written = set(files_under(tmp_path)) - set(outside_before)
    assert all(p.startswith("docs/") for p in written), written
    copied = tmp_path / "docs/help/general/sneaky.files"
    assert sorted(p.name for p in copied.iterdir()) == ["ok.png", "readme.txt"]
    assert "- [ok.png](sneaky.files/ok.png)" in (tmp_path / "docs/help/general/sneaky.md").read_text()


def test_symlinks_in_the_export_are_never_followed_out(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=abc")
    export = _small_export(
        tmp_path / "export",
        [
            _art(
                10,
                "Links",
                '<p><img src="/hc/article_attachments/5/a.png"></p>'
                '<p><a href="/hc/article_attachments/8/f.txt">f</a></p>',
            )
        ],
        files={"8/placeholder": b""},
    )
    (export / "attachments/5").mkdir(parents=True)
    os.symlink(secret, export / "attachments/5/a.png")
    (export / "attachments/8/placeholder").unlink()
    os.rmdir(export / "attachments/8")
    os.symlink(tmp_path, export / "attachments/8")
    os.symlink(secret, export / "articles-2.json")
    rc, out, _ = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 0
    assert (
        f"{export}/attachments/5/a.png:1: ZD104 symbolic link to '{secret}' leads outside the export: not read" in out
    )
    assert f"{export}/attachments/8:1: ZD104 symbolic link leads outside the export: attachment 8 of article 10" in out
    assert f"{export}/articles-2.json:1: ZD106 no next_page leads to this page of articles.json: not read" in out
    assert not any(b"TOKEN" in data for data in files_under(tmp_path / "docs").values())


def test_a_symlink_in_the_target_leading_out_is_refused(tmp_path):
    export = _small_export(tmp_path / "export", [_art(10, "Inside")])
    docs = tmp_path / "docs"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (docs / "help").mkdir(parents=True)
    os.symlink(elsewhere, docs / "help" / "general")  # before the first import: the name is avoided
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and list(elsewhere.iterdir()) == [] and (docs / "help-1/general/inside.md").exists()
    os.unlink(docs / "help" / "general")
    os.rmdir(docs / "help")
    shutil.rmtree(docs / "help-1" / "general")
    os.symlink(elsewhere, docs / "help-1" / "general")  # after it: the import's own folder now leads out
    _edit_article(export, 10, body="<p>Changed.</p>")
    rc, out, _ = kb("import", "zendesk", export, "--to", docs)
    assert rc == 0 and list(elsewhere.iterdir()) == []
    assert (
        f"{docs}/help-1/general/inside.md:1: ZD300 article 10 'Inside': help-1/general/inside.md is a symbolic "
        "link or lies behind one that leads out of --to: not written"
    ) in out


def test_an_export_with_nothing_usable_exits_non_zero_and_writes_nothing(tmp_path):
    export = _small_export(tmp_path / "export", [_art(10, "One")])
    (export / "articles.json").write_text('{"articles": [{"id": "x"}, {"title": "no id"}, 7]}')
    rc, out, _err = kb("import", "zendesk", export, "--to", tmp_path / "docs")
    assert rc == 1 and not (tmp_path / "docs").exists()
    assert "ZD102 an article without a numeric 'id' ('x'): skipped" in out
    assert "ZD102 articles[2] is not an object: skipped" in out


def test_a_damaged_manifest_stops_the_import_with_a_clear_message(kb_dirs):
    export, docs = kb_dirs
    (docs / MANIFEST).write_text("{not json")
    before = files_under(docs)
    rc, _out, err = kb("import", "zendesk", export, "--to", docs)
    assert rc == 1 and "Traceback" not in err and files_under(docs) == before
    assert f"ERROR: {docs / MANIFEST}: cannot read the import manifest" in err


def test_the_readme_documents_the_command():
    readme = (REPO / "README.md").read_text()
    assert "kb import zendesk" in readme and ".zendesk-import.json" in readme and "ZD301" in readme
