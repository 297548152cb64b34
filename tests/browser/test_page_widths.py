"""Every page of the shipped site fits a phone: at 390 px and 320 px wide no page is wider
than the viewport (a wide table scrolls inside its own box instead of the whole page)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def built_pages(site: Path) -> list[str]:
    """Site-relative URLs of every HTML page (folders for index.html)."""
    return [f.relative_to(site).as_posix().removesuffix("index.html") for f in sorted(site.rglob("*.html"))]


@pytest.mark.parametrize("width", [390, 320])
def test_every_built_page_fits_the_phone(shipped_site, serve, browser, width):
    base = serve(shipped_site)
    pages = built_pages(shipped_site)
    assert "policies/product-support-commitment/" in pages and "policies/whats-included/" in pages
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    measured = {}
    try:
        for url in pages:
            page.goto(base + url, wait_until="load")
            # a redirect page (an alias) is measured where it lands
            page.wait_for_load_state("load")
            measured[url] = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    finally:
        ctx.close()
    assert len(measured) == len(pages) and all(inner == width for _, inner in measured.values())
    too_wide = [f"{url or '/'}: {w} px" for url, (w, inner) in measured.items() if w > inner]
    assert too_wide == [], f"wider than {width} px:\n" + "\n".join(too_wide)
