"""Every damaged index file (tests/search/damage.py) in real Chromium: the search page says
search is unavailable, links to the article list, and the tab stays responsive (a timer keeps
firing while the page handles the damaged file)."""

from __future__ import annotations

import shutil
from urllib.parse import urlencode

import pytest

from kbtools.search import bundle
from kbtools.search.export import INDEX_DIR

from .damage import CASES, query_of, target

pytestmark = pytest.mark.browser

QUERY = "scanner not detected"
TIMER = """
window.__kbTicks = [];
setInterval(() => window.__kbTicks.push(performance.now()), 50);
"""


def test_each_damaged_index_file_leaves_a_responsive_tab_that_says_search_is_unavailable(
    browser, serve, shipped_site, tmp_path
):
    site = tmp_path / "site"
    shutil.copytree(shipped_site, site)
    good = tmp_path / "good-index"
    shutil.copytree(shipped_site / INDEX_DIR, good)
    t = target(shipped_site, QUERY)
    base = serve(site)
    for name, (damage, how) in CASES.items():
        shutil.rmtree(site / INDEX_DIR)
        shutil.copytree(good, site / INDEX_DIR)
        damage(site / INDEX_DIR, t)
        bundle.write(site)  # the page reads the manifest from its bundle
        q, filters = query_of(t, how)
        ctx = browser.new_context()  # a cold cache: the damaged files are fetched
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.add_init_script(TIMER)
        params = {"q": q, **{k: v[0] for k, v in filters.items()}}
        page.goto(base + "search/?" + urlencode(params))
        status = page.locator("[data-kb-status]")
        page.wait_for_function(
            "() => /Search is not available/.test(document.querySelector('[data-kb-status]').textContent)",
            timeout=20000,
        )
        assert status.locator("a").get_attribute("href") == base, name
        page.wait_for_timeout(300)
        ticks = page.evaluate("window.__kbTicks")
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        assert len(ticks) >= 5 and max(gaps) < 1500, (
            f"{name}: the tab stalled ({max(gaps):.0f} ms without a timer tick)"
        )
        assert errors == [], name
        ctx.close()
