"""The ties to mkdocs-material that PLATFORM.md lists still hold with the installed theme.

`make platform-check` runs this file in a virtual environment with the newest mkdocs<2 and
mkdocs-material<10 from PyPI, so a breaking theme release is seen on the next CI run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import material
import pytest

MATERIAL = Path(material.__file__).parent / "templates"
# Material templates our templates extend or include.
USED = ["base.html", "main.html", "partials/header.html", "partials/actions.html"]
# Blocks of base.html that our templates override.
BLOCKS = ["extrahead", "header", "scripts", "content", "site_nav"]


@pytest.mark.parametrize("name", USED)
def test_the_material_templates_we_use_exist(name):
    assert (MATERIAL / name).is_file(), f"mkdocs-material no longer has {name}: see PLATFORM.md"


def test_the_blocks_we_override_are_blocks_of_base_html():
    blocks = set(re.findall(r"{%-?\s*block\s+(\w+)", (MATERIAL / "base.html").read_text(encoding="utf-8")))
    assert set(BLOCKS) <= blocks, f"missing blocks: {set(BLOCKS) - blocks}"


def test_material_header_has_the_nav_our_box_goes_into():
    header = (MATERIAL / "partials" / "header.html").read_text(encoding="utf-8")
    assert "md-header__inner" in header and "</nav>" in header


class _Where(HTMLParser):
    """Is the search box inside the header's first <nav>?"""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.box_in_header_nav = False
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div" and "kb-search" in classes and any("md-header__inner" in s for s in self.stack):
            self.box_in_header_nav = True
        for key in ("src", "href"):
            url = a.get(key) or ""
            if tag in ("script", "link", "img", "iframe") and re.match(r"^(https?:)?//", url):
                self.external.append(url)
        if tag not in ("meta", "link", "img", "input", "br", "hr", "source"):
            self.stack.append(" ".join([tag] + classes))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].split(" ", 1)[0] == tag:
                del self.stack[i:]
                break


def test_built_pages_have_our_box_in_materials_header_and_load_nothing_from_elsewhere(shipped_site):
    for rel in (
        "index.html",
        "troubleshooting/scanning/scanner-not-detected/index.html",
        "search/index.html",
        "request/index.html",
    ):
        parser = _Where()
        parser.feed((shipped_site / rel).read_text(encoding="utf-8"))
        assert parser.box_in_header_nav, rel
        assert parser.external == [], rel
    article = (shipped_site / "troubleshooting/scanning/scanner-not-detected/index.html").read_text(encoding="utf-8")
    assert 'class="kb-breadcrumbs"' in article and "data-kb-feedback" in article  # our content partial
    assert "md-status" not in article  # material's page-status icon: our `status` key is not theirs
