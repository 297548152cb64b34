#!/usr/bin/env python3
"""How much of each built page is navigation: shows that pages do not grow with the KB.

    python bench/page_sizes.py SITE_DIR [SITE_DIR ...]

Prints, per site: pages, median and largest page, and the bytes of the primary navigation
(mkdocs-material's `md-nav--primary` up to the table of contents) per page, largest and median.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

NAV_START = '<nav class="md-nav md-nav--primary"'
NAV_END = '<div class="md-sidebar md-sidebar--secondary"'


def measure(site: Path) -> str:
    navs: list[tuple[int, str]] = []
    sizes: list[int] = []
    for page in site.rglob("index.html"):
        html = page.read_text(errors="replace")
        i, j = html.find(NAV_START), html.find(NAV_END)
        navs.append((j - i if 0 <= i < j else 0, str(page.relative_to(site))))
        sizes.append(len(html.encode()))
    if not sizes:
        return f"{site}: no pages"
    biggest = max(navs)
    return (
        f"{site}: pages={len(sizes)} median_page={statistics.median(sizes) / 1000:.1f}kB "
        f"max_page={max(sizes) / 1000:.1f}kB max_nav={biggest[0] / 1000:.1f}kB ({biggest[1]}) "
        f"median_nav={statistics.median(n for n, _ in navs) / 1000:.1f}kB"
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for arg in sys.argv[1:]:
        print(measure(Path(arg)))
