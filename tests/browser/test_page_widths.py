"""Every page of the shipped site fits a phone: at 390 px and 320 px wide no page is wider
than the viewport (a wide table scrolls inside its own box instead of the whole page)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
WIDTHS = (390, 320)


def built_pages(site: Path) -> list[str]:
    """Site-relative URLs of every HTML page (folders for index.html)."""
    urls = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        urls.append(rel.removesuffix("index.html"))
    return urls


def test_every_built_page_fits_390_and_320_px(shipped_site, serve, browser):
    base = serve(shipped_site)
    pages = built_pages(shipped_site)
    assert "policies/product-support-commitment/" in pages and len(pages) >= 20
    too_wide: list[str] = []
    for width in WIDTHS:
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        page = ctx.new_page()
        try:
            for url in pages:
                page.goto(base + url, wait_until="load")
                # redirect pages (aliases) move on by themselves: measure where they land
                page.wait_for_load_state("load")
                got = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if got[0] > got[1]:
                    too_wide.append(f"{url} at {width} px: {got[0]} px wide")
        finally:
            ctx.close()
    assert too_wide == [], "\n".join(too_wide)
