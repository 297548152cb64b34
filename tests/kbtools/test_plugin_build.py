"""Building fixture KBs with `mkdocs build`, as a writer would: errors, drafts, redirects, scale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testkit.project import REPO, build, make_project


def write(root: Path, rel: str, text: str | bytes) -> None:
    p = root / "docs" / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text if isinstance(text, bytes) else text.encode())


def article(title: str, type_: str = "how-to", extra: str = "", body: str = "Some text.") -> str:
    return f"---\ntitle: {title}\ntype: {type_}\n{extra}---\n# {title}\n\n{body}\n"


@pytest.fixture
def project(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False)
    write(tmp_path, "guides/setup/install.md", article("Install it", extra="id: install\n"))
    write(tmp_path, "guides/setup/configure.md", article("Configure it", body="See [install](install.md)."))
    return tmp_path, cfg


def test_shipped_kb_builds_strict(tmp_path):
    cfg = make_project(tmp_path)
    res = build(cfg, strict=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (tmp_path / "site" / "policies" / "product-lifecycle" / "index.html").exists()


def test_bad_articles_fail_with_every_problem_and_keep_the_previous_site(project):
    root, cfg = project
    assert build(cfg).returncode == 0
    index = root / "site" / "index.html"
    before = index.read_bytes()

    write(root, "guides/setup/malformed.md", "---\ntitle: [oops\n---\n# M\n")
    write(root, "guides/setup/wrong-type.md", "---\ntitle: W\ntype: sollution\n---\n# W\n")
    write(root, "guides/setup/unknown-key.md", "---\ntitle: U\ntype: faq\nauthr: me\n---\n# U\n")
    write(root, "guides/setup/bad-utf8.md", b"---\ntitle: B\ntype: faq\n---\n# B\n\ncaf\xe9\n")
    write(root, "guides/setup/dup.md", "---\ntitle: D\ntype: faq\nid: install\n---\n# D\n")
    res = build(cfg)
    out = res.stdout + res.stderr
    assert res.returncode != 0
    assert "Traceback" not in out
    assert "guides/setup/malformed.md:2: KB102 malformed front matter" in out
    assert (
        "guides/setup/wrong-type.md:3: KB104 type: 'sollution' is not one of" in out
        and "did you mean 'solution'" in out
    )
    assert "guides/setup/unknown-key.md:4: KB103 unknown key 'authr'" in out
    assert "guides/setup/bad-utf8.md:7: KB101 invalid UTF-8" in out
    assert "guides/setup/install.md:4: KB201 duplicate id 'install' (also guides/setup/dup.md:4)" in out
    assert index.read_bytes() == before, "a failed build must leave the previous site untouched"
    assert not list(root.glob("site.kb-*")), "no staging folder may be left behind"


def test_strict_warning_keeps_the_previous_site(project):
    root, cfg = project
    assert build(cfg).returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    write(root, "guides/setup/broken-link.md", article("Broken", body="[x](missing.md)"))
    res = build(cfg, strict=True)
    assert res.returncode != 0 and "missing.md" in res.stdout + res.stderr
    assert (root / "site" / "index.html").read_bytes() == before
    assert not (root / "site" / "guides" / "setup" / "broken-link").exists()


def test_drafts_are_left_out_and_aliases_redirect(project):
    root, cfg = project
    write(root, "guides/setup/draft.md", article("Draft one", extra="status: draft\n"))
    write(root, "guides/setup/moved.md", article("Moved", extra="aliases: [old/path/, legacy.html]\n"))
    res = build(cfg)
    assert res.returncode == 0, res.stderr
    site = root / "site"
    assert not (site / "guides" / "setup" / "draft").exists()
    assert "Draft one" not in (site / "guides" / "setup" / "index.html").read_text()
    redirect = (site / "old" / "path" / "index.html").read_text()
    assert 'url=../../guides/setup/moved/"' in redirect
    assert 'href="guides/setup/moved/"' in (site / "legacy.html").read_text()


def test_section_landing_pages_list_their_articles(project):
    root, cfg = project
    assert build(cfg).returncode == 0
    listing = (root / "site" / "guides" / "setup" / "index.html").read_text()
    assert 'href="install/"' in listing and 'href="configure/"' in listing
    category = (root / "site" / "guides" / "index.html").read_text()
    assert 'href="setup/"' in category and "2 articles" in category


def test_article_page_parts(project):
    root, cfg = project
    write(
        root,
        "guides/setup/scanner.md",
        article(
            "Scanner drivers",
            extra="products: [psicapture]\nversions: ['8.1']\ntags: [scanner, install]\n",
            body="Install the scanner driver.",
        ),
    )
    assert build(cfg).returncode == 0
    html = (root / "site" / "guides" / "setup" / "scanner" / "index.html").read_text()
    assert 'aria-label="Breadcrumb"' in html and ">Help Center<" in html
    assert 'data-kb-product="psicapture"' in html and "v8.1" in html
    assert "Was this article helpful?" in html and 'data-endpoint=""' in html
    assert 'request/?article=scanner"' in html
    assert "Related articles" in html and 'href="../install/"' in html


def test_article_supplied_text_is_escaped(project):
    root, cfg = project
    write(
        root,
        "guides/setup/xss.md",
        "---\ntitle: '<img src=x onerror=alert(1)>'\ntype: faq\ntags: ['<b>t</b>']\nproducts: [psicapture]\n---\nBody\n",  # noqa: E501
    )
    assert build(cfg).returncode == 0
    html = (root / "site" / "guides" / "setup" / "xss" / "index.html").read_text()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def _largest_article_page(site: Path) -> int:
    return max(
        p.stat().st_size for p in site.rglob("index.html") if "/big/" in str(p) and p.parent.name.startswith("a")
    )


def test_page_size_does_not_grow_with_the_section(tmp_path):
    sizes = []
    for n in (40, 400):
        root = tmp_path / str(n)
        cfg = make_project(root, include_shipped=False)
        for i in range(n):
            write(root, f"kb/big/a{i:04d}.md", article(f"Article number {i}", type_="faq"))
        res = build(cfg)
        assert res.returncode == 0, res.stderr
        sizes.append(_largest_article_page(root / "site"))
        nav_links = re.findall(
            r'class="md-nav__link[^"]*"\s+href="\.\./a\d+/"',
            (root / "site" / "kb" / "big" / "a0020" / "index.html").read_text(),
        )
        assert len(nav_links) <= 25
    assert sizes[1] <= sizes[0] * 1.05, sizes


def test_long_sections_are_paginated(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False, extra_config="plugins:\n  - kb:\n      section_page_size: 20\n")
    for i in range(45):
        write(tmp_path, f"kb/big/a{i:04d}.md", article(f"Article {i:04d}", type_="faq"))
    assert build(cfg).returncode == 0
    site = tmp_path / "site" / "kb" / "big"
    first, second, third = (
        (site / "index.html").read_text(),
        (site / "kb-page-2" / "index.html").read_text(),
        (site / "kb-page-3" / "index.html").read_text(),
    )

    def links(h: str) -> list[str]:
        return re.findall(r'<li><a href="(?:\.\./)?(a\d+)/">', h)

    assert links(first) == [f"a{i:04d}" for i in range(20)]
    assert links(second) == [f"a{i:04d}" for i in range(20, 40)]
    assert links(third) == [f"a{i:04d}" for i in range(40, 45)]
    assert 'rel="next" href="kb-page-2/"' in first and "Page 1 of 3 (45 articles)" in first
    assert 'rel="prev" href="../"' in second and 'rel="next" href="../kb-page-3/"' in second
    assert 'rel="next"' not in third


def test_preview_shows_drafts_with_a_banner(tmp_path):
    # `mkdocs serve` shows drafts; show_drafts: true is the same switch, testable without a server.
    cfg = make_project(tmp_path, include_shipped=False, extra_config="plugins:\n  - kb:\n      show_drafts: true\n")
    write(tmp_path, "guides/setup/draft.md", article("Draft one", extra="status: draft\n"))
    write(tmp_path, "guides/setup/old.md", article("Old one", extra="status: archived\n"))
    assert build(cfg).returncode == 0
    draft = (tmp_path / "site" / "guides" / "setup" / "draft" / "index.html").read_text()
    assert "kb-banner--draft" in draft and "not published" in draft
    old = (tmp_path / "site" / "guides" / "setup" / "old" / "index.html").read_text()
    assert "kb-banner--archived" in old
    listing = (tmp_path / "site" / "guides" / "setup" / "index.html").read_text()
    assert "Old one" not in listing


def test_missing_image_fails_the_build_at_its_line_and_broken_links_warn(project):
    root, cfg = project
    write(
        root,
        "guides/setup/pictures.md",
        article("Pictures", body="Intro\n\n![shot](img/missing.png)\n\n[gone](nowhere.md)\n"),
    )
    res = build(cfg)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out
    assert "guides/setup/pictures.md:9: KB205" in out and "img/missing.png" in out
    assert "guides/setup/pictures.md:11: KB203" in out

    write(root, "guides/setup/pictures.md", article("Pictures", body="[gone](nowhere.md)\n"))
    res = build(cfg)
    assert res.returncode == 0, res.stderr
    assert "WARNING" in res.stderr and "guides/setup/pictures.md:7: KB203" in res.stderr


def test_top_level_navigation_is_bounded_too(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False, extra_config="plugins:\n  - kb:\n      nav_window: 10\n")
    for i in range(30):
        write(
            tmp_path, f"c{i:02d}/s/a.md", article(f"Article in category {i:02d}", type_="faq", extra=f"id: a{i:02d}\n")
        )
    assert build(cfg).returncode == 0
    page = (tmp_path / "site" / "c15" / "s" / "a" / "index.html").read_text()
    top = set(re.findall(r'href="(?:\.\./)+(c\d\d)/"', page))
    assert 5 <= len(top) <= 10 and "c00" not in top and "c29" not in top
    home = (tmp_path / "site" / "index.html").read_text()
    assert len(set(re.findall(r'href="(c\d\d)/"', home.split('class="md-content"')[0]))) <= 10


def test_broken_products_in_the_policy_are_reported_at_their_line(tmp_path):
    cfg = make_project(tmp_path)
    policy = tmp_path / "docs" / "_data" / "support-policy.yml"
    text = policy.read_text()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '{version: "7.2"' in t)
    policy.write_text(text.replace('{version: "7.2"', '{versoin: "7.2"', 1))
    res = build(cfg)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out
    assert f"support-policy.yml:{line}: POL101" in out and "did you mean 'version'" in out
    assert "cannot read products" not in out


def test_generated_blocks_do_not_depend_on_plugin_order(tmp_path):
    import yaml
    from mkdocs.utils.yaml import yaml_load  # mkdocs.yml has !ENV tags

    plugins = yaml_load((REPO / "mkdocs.yml").read_text())["plugins"]
    cfg = make_project(tmp_path, extra_config=yaml.safe_dump({"plugins": plugins[::-1]}, sort_keys=False))
    res = build(cfg)
    assert res.returncode == 0, res.stderr[-2000:]
    html = (tmp_path / "site" / "policies" / "product-support-commitment" / "index.html").read_text()
    assert "2 Business Hours" in html or "2 business hours" in html
    assert "kb-lifecycle" in (tmp_path / "site" / "policies" / "product-lifecycle" / "index.html").read_text()
