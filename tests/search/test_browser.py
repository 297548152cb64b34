"""Search in a real headless Chromium: the header box, the search page, keyboard, deep links,
filters, typos, phrases, bad input. Expected results come from the Python engine (same index)."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote, urlencode

import pytest

from kbtools.search import bundle, search
from kbtools.search.engine import Index, run

pytestmark = pytest.mark.browser


def own_host_only(requests, base):
    return [u for u in requests if not (u.startswith(base) or u.startswith("data:") or u.startswith("blob:"))]


def page_ids(page, q):
    """Wait until the search page shows the results of `q`; return the result ids."""
    page.wait_for_function("q => document.querySelector('[data-kb-search-page]')?.dataset.kbQuery === q", arg=q)
    return page.eval_on_selector_all("[data-kb-results] [data-kb-result]", "els => els.map(e => e.dataset.kbId)")


def box_ids(page):
    return page.eval_on_selector_all("#kb-search-popup [data-kb-result]", "els => els.map(e => e.dataset.kbId)")


def type_in_box(page, text):
    page.click("#kb-search-input")
    page.keyboard.type(text)
    page.wait_for_function(
        "t => !document.getElementById('kb-search-popup').hidden && "
        "document.querySelector('[data-kb-search-box] .kb-search__status').textContent !== ''",
        arg=text,
    )


def test_search_page_shows_results_for_its_query_with_no_interaction(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=scanner%20not%20detected", wait_until="networkidle")
    expect = [h["id"] for h in search(shipped_site, "scanner not detected", limit=10)]
    assert page_ids(page, "scanner not detected") == expect and expect[0] == "scanner-not-detected"
    first = page.locator("[data-kb-results] .kb-result").first
    assert first.locator(".kb-result__crumbs").inner_text() == "Troubleshooting › Scanning"
    assert first.locator(".kb-result__type").inner_text() == "Solution"
    assert first.locator("mark").count() >= 2  # matched words highlighted in the snippet
    assert own_host_only(page.kb_log.requests, base) == []
    assert page.kb_log.console == [] and page.kb_log.errors == []


def test_results_link_to_the_matching_section(page, serve, shipped_site):
    page.goto(serve(shipped_site) + "search/?q=" + quote("TWAIN driver"), wait_until="networkidle")
    page_ids(page, "TWAIN driver")
    href = page.get_attribute("[data-kb-results] [data-kb-result]", "href")
    section = page.inner_text("[data-kb-results] .kb-result__section")
    assert "#" in href and section.startswith("Section: ")
    with page.expect_navigation():
        page.click("[data-kb-results] [data-kb-result]")
    anchor = href.split("#", 1)[1]
    page.wait_for_selector(f"[id='{anchor}']", state="attached")  # the anchor exists on the article page
    assert page.locator(f"[id='{anchor}']").count() == 1


def test_header_box_shows_results_as_you_type_with_prefix_matching(page, serve, shipped_site):
    page.goto(serve(shipped_site), wait_until="networkidle")
    type_in_box(page, "keyboard shortc")
    assert box_ids(page)[:3] == [h["id"] for h in search(shipped_site, "keyboard shortc", limit=3)]
    assert box_ids(page)[0] == "keyboard-shortcuts"
    assert page.is_visible("#kb-search-popup")


def search_files(requests, base):
    """What the page fetched of the search: paths under assets/search/ (the style sheet aside)."""
    return [
        u[len(base) :].split("?")[0]
        for u in requests
        if u.startswith(base + "assets/search/") and not u.endswith(".css")
    ]


def test_search_code_and_manifest_come_in_one_request_on_every_page(page, serve, shipped_site):
    """Cold start: one module holds the code and the manifest (no import chain, no manifest
    fetch); a query then needs only term blocks and meta files before its titles are drawn."""
    base = serve(shipped_site)
    page.goto(base + "troubleshooting/export/email-export-550-5-1-10/", wait_until="networkidle")
    assert search_files(page.kb_log.requests, base) == ["assets/search/search.js"]
    type_in_box(page, "scanner not detected")
    fetched = search_files(page.kb_log.requests, base)
    assert fetched[0] == "assets/search/search.js" and fetched.count("assets/search/search.js") == 1
    assert all(
        f.startswith(("assets/search/index/b/", "assets/search/index/m/", "assets/search/index/d/"))
        for f in fetched[1:]
    ), fetched
    assert box_ids(page)[:3] == [h["id"] for h in search(shipped_site, "scanner not detected", limit=3)]

    before = len(page.kb_log.requests)
    page.goto(base + "search/?q=scanner%20not%20detected%20driver", wait_until="networkidle")
    page_ids(page, "scanner not detected driver")
    later = [f for f in search_files(page.kb_log.requests[before:], base) if f != "assets/search/search.js"]
    assert later and all(
        f.startswith(
            ("assets/search/index/b/", "assets/search/index/m/", "assets/search/index/d/", "assets/search/index/f/")
        )
        for f in later
    ), later
    assert page.kb_log.console == [] and page.kb_log.errors == []


def test_typo_tolerance_and_did_you_mean(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=scaner%20detectd%20", wait_until="networkidle")
    ids = page_ids(page, "scaner detectd ")
    assert ids and ids[0] == "scanner-not-detected"
    suggestion = run(Index(shipped_site), "scaner detectd ")["did_you_mean"]
    assert suggestion.startswith("scanner detect")
    assert page.inner_text("[data-kb-did-you-mean]") == suggestion
    with page.expect_navigation():
        page.click("[data-kb-did-you-mean]")
    assert page_ids(page, suggestion)[0] == "scanner-not-detected"


def test_quoted_phrase_needs_the_words_together(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=" + quote('"first batch"'), wait_until="networkidle")
    phrase = page_ids(page, '"first batch"')
    page.goto(base + "search/?q=" + quote("first batch "), wait_until="networkidle")
    loose = page_ids(page, "first batch ")
    assert phrase == [h["id"] for h in search(shipped_site, '"first batch"', limit=10)]
    assert phrase and set(phrase) < set(loose)


def test_filters_narrow_the_results_and_live_in_the_url(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=psicapture%20", wait_until="networkidle")
    everything = page_ids(page, "psicapture ")
    page.select_option("#kb-filter-type", "how-to")
    page.wait_for_url("**type=how-to**")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kb-results] .kb-result__type')].every(e => e.textContent === 'How-to')"  # noqa: E501
    )
    how_to = page.eval_on_selector_all("[data-kb-results] [data-kb-result]", "els => els.map(e => e.dataset.kbId)")
    assert how_to == [h["id"] for h in search(shipped_site, "psicapture ", limit=10, filters={"type": ["how-to"]})]
    assert how_to and len(how_to) < len(everything)
    page.goto(base + "search/?q=psicapture%20&version=8.1", wait_until="networkidle")
    assert page_ids(page, "psicapture ") == [
        h["id"] for h in search(shipped_site, "psicapture ", limit=10, filters={"version": ["8.1"]})
    ]
    assert page.input_value("#kb-filter-version") == "8.1"


def test_filter_counts_are_those_of_the_current_query(page, serve, shipped_site):
    """Each filter option says how many results of this query (with the other filters set) it
    keeps: the Python engine's total for the same query and filters."""
    base = serve(shipped_site)
    ix = Index(shipped_site)
    whole = {
        name: {value: len(docs) for value, docs in ix.json(f"f/{name}.json").items()} for name in ix.manifest["facets"]
    }
    differs = False
    for q, filters in (("psicapture ", {}), ("scanner", {}), ("batch", {"version": "8.1"})):
        page.goto(base + "search/?" + urlencode({"q": q, **filters}), wait_until="networkidle")
        page_ids(page, q)
        shown = page.eval_on_selector_all(
            "[data-kb-filters] option[data-label]",
            "els => els.map(o => [o.parentElement.name, o.value, o.textContent, o.dataset.label])",
        )
        assert shown
        for name, value, text, label in shown:
            others = {k: [v] for k, v in filters.items() if k != name}
            want = run(ix, q, 1, {**others, name: [value]})["total"]
            assert text == f"{label} ({want})", (q, name, value)
            differs = differs or want != whole[name][value]
    assert differs  # not the whole KB's counts


def test_typing_updates_the_address_once_typing_pauses_and_back_returns_to_the_query_before(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=scanner", wait_until="networkidle")
    first = page_ids(page, "scanner")
    entries = page.evaluate("history.length")
    page.click("#kb-searchpage-input")
    page.keyboard.press("End")
    page.keyboard.type(" drivers", delay=20)
    page_ids(page, "scanner drivers")
    page.wait_for_url("**q=scanner+drivers")
    assert page.evaluate("history.length") == entries + 1  # one entry for the whole typed query
    page.go_back()
    page.wait_for_url("**q=scanner")
    assert page.input_value("#kb-searchpage-input") == "scanner"
    assert page_ids(page, "scanner") == first


def test_a_word_being_typed_has_its_completion_blocks_fetched_ahead(page, serve, shipped_site):
    """From its second letter, the dictionary blocks the word's completions will need are asked
    for (at most 4); never for one letter or after a finished word."""
    base = serve(shipped_site)
    page.goto(base + "search/", wait_until="networkidle")
    got = page.evaluate(
        """async () => {
      const { openIndex, httpLoader } = await import('../assets/search/engine.js');
      const base = new URL('../assets/search/index/', location.href).href;
      const http = httpLoader(base), asked = [];
      const loader = { text: (r, c) => http.text(r, c), bytes: (r, c) => { asked.push(r); return http.bytes(r, c); } };
      const ix = await openIndex(base, loader);
      const out = {};
      for (const q of ['s', 'scanner ', 'scanner dr', 'psicapture ba']) {
        asked.length = 0; ix.cache.clear(); ix.ready.clear();
        ix.prefetchTyping(q);
        out[q] = [...asked].sort();
      }
      return { out, starts: ix.starts };
    }"""
    )
    starts = got["starts"]

    def blocks(prefix):
        first = max([i for i, s in enumerate(starts) if s <= prefix], default=0)  # the block holding `prefix`
        out = [first] + [i for i in range(first + 1, len(starts)) if starts[i].startswith(prefix)]
        return sorted(f"b/{i}.bin" for i in out)

    assert got["out"]["s"] == [] and got["out"]["scanner "] == []
    assert got["out"]["scanner dr"] == blocks("dr")
    assert got["out"]["psicapture ba"] == blocks("ba")


def test_a_click_right_after_typing_keeps_the_typed_query_for_the_back_button(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=scanner", wait_until="networkidle")
    page_ids(page, "scanner")
    page.evaluate(
        """() => { const i = document.getElementById('kb-searchpage-input');
                   i.value = 'scanner drivers'; i.dispatchEvent(new Event('input'));
                   document.querySelector('[data-kb-results] [data-kb-result]').click(); }"""
    )  # in one task: the address's 300 ms pause has not passed
    page.wait_for_url(lambda url: "/search/" not in url)
    page.wait_for_load_state("load")
    page.go_back()
    page.wait_for_url("**q=scanner+drivers")
    assert page.input_value("#kb-searchpage-input") == "scanner drivers"


def test_back_button_returns_to_the_previous_query_and_its_results(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/?q=scanner", wait_until="networkidle")
    first = page_ids(page, "scanner")
    page.fill("#kb-searchpage-input", "install")
    page.press("#kb-searchpage-input", "Enter")
    page.wait_for_url("**q=install")
    second = page_ids(page, "install")
    assert first != second
    page.go_back()
    page.wait_for_url("**q=scanner")
    assert page.input_value("#kb-searchpage-input") == "scanner"
    assert page_ids(page, "scanner") == first


def test_keyboard_slash_arrows_enter_escape(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base, wait_until="networkidle")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "kb-search-input"
    page.keyboard.type("batch")
    page.wait_for_selector("#kb-search-popup [data-kb-result]")
    page.keyboard.press("Escape")
    assert page.is_hidden("#kb-search-popup")
    assert page.evaluate("document.activeElement.id") == "kb-search-input"
    page.keyboard.press("ArrowDown")  # reopens
    page.wait_for_selector("#kb-search-popup:not([hidden])")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    second = page.get_attribute("#kb-search-opt-1 a", "href")
    assert page.evaluate("document.activeElement.href") == second
    page.keyboard.press("Enter")
    page.wait_for_url(second)


def test_enter_without_a_chosen_result_opens_the_search_page(page, serve, shipped_site):
    page.goto(serve(shipped_site), wait_until="networkidle")
    type_in_box(page, "ocr accuracy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=ocr+accuracy")
    assert page_ids(page, "ocr accuracy")[0] == "improve-ocr-accuracy"


def test_zero_results_suggest_the_request_wizard(page, serve, shipped_site):
    page.goto(serve(shipped_site) + "search/?q=zzqxv%20", wait_until="networkidle")
    assert page_ids(page, "zzqxv ") == []
    status = page.locator("[data-kb-status]")
    assert "No articles match “zzqxv”" in status.inner_text()
    assert status.locator("a[data-kb-request-link]").get_attribute("href").endswith("/request/")


def test_search_page_with_results_has_no_wcag_violations(page, serve, shipped_site, axe):
    page.goto(serve(shipped_site) + "search/?q=scanner", wait_until="networkidle")
    page_ids(page, "scanner")
    type_in_box(page, "batch")
    assert axe(page) == []


def test_an_index_in_an_unknown_format_shows_a_message_and_the_article_list(page, serve, shipped_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(shipped_site, site)
    mf = site / "assets/search/index/manifest.json"
    mf.write_text(json.dumps(dict(json.loads(mf.read_text()), version=99)))
    bundle.write(site)  # the page reads the manifest from its bundle
    base = serve(site)
    page.goto(base + "search/?q=scanner", wait_until="networkidle")
    status = page.locator("[data-kb-status]")
    status.locator("a").wait_for()
    assert "format this page does not understand: kb-search-index v99" in status.inner_text()
    assert status.locator("a").get_attribute("href") == base
    type_in_box(page, "scanner")
    assert "Search is not available" in page.inner_text("#kb-search-popup")
    assert page.kb_log.errors == []


XSS = "window.__kbXss = (window.__kbXss || 0) + 1"
HOSTILE = [
    f"<script>{XSS}</script>",
    f'<img src=x onerror="{XSS}">',
    f'"><svg onload="{XSS}">',
    f'\'><iframe src="javascript:{XSS}">',
    f'<a href="javascript:{XSS}">x</a>',
    "<b>bold</b>",
    "</li></ul><h1>big</h1>",
    "&lt;script&gt;",
    "&amp;&quot;",
    '"',
    '""',
    '"unclosed phrase',
    "'",
    "\\",
    "\\\\\\",
    ".*+?^${}()|[]",
    "(?<x>a)\\1",
    "[a-z]+$",
    "%00%20%3Cscript%3E",
    "\ud800",
    "a\udfffb",
    "مرحبا بالعالم outlook",
    "\u202eevil\u202c",
    "שלום",
    "😀🔥👩‍👩‍👧",
    "🔥" * 300,
    "x" * 10000,
    "scanner " * 2000,
    "",
    "   ",
    "\t\n",
    "0x",
    "5.",
    "-",
    "_",
    "OR AND NOT",
    "__proto__",
    "constructor",
    "toString hasOwnProperty",
    "null undefined NaN",
    "${7*7} {{7*7}}",
    "javascript:alert(1)",
]


def test_hostile_queries_are_shown_escaped_and_never_execute(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "search/", wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('[data-kb-filters] select')")
    for q in HOSTILE:
        page.evaluate(
            """q => { const i = document.getElementById('kb-searchpage-input');
                                i.value = q; i.dispatchEvent(new Event('input')); }""",
            q,
        )
        if q.strip():
            page.wait_for_function("q => document.querySelector('[data-kb-search-page]').dataset.kbQuery === q", arg=q)
        box = page.locator("#kb-search-input")
        box.fill(q[:2000])
        page.wait_for_timeout(5)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__kbXss || 0") == 0
    assert (
        page.locator(
            "[data-kb-search-page] script, [data-kb-search-page] img, [data-kb-search-page] svg, "
            "[data-kb-search-page] iframe, [data-kb-search-page] b, [data-kb-search-page] h1:not(:first-child)"
        ).count()
        == 0
    )
    # The status repeats the query as text, escaped by construction.
    page.evaluate(
        """q => { const i = document.getElementById('kb-searchpage-input');
                            i.value = q; i.dispatchEvent(new Event('input')); }""",
        HOSTILE[1] + " zzqxv",
    )
    page.wait_for_function(
        "q => document.querySelector('[data-kb-search-page]').dataset.kbQuery === q", arg=HOSTILE[1] + " zzqxv"
    )
    assert HOSTILE[1] in page.inner_text("[data-kb-status]")
    # Deep links with hostile queries too.
    for q in HOSTILE[:6]:
        page.goto(base + "search/?q=" + quote(q, safe=""), wait_until="networkidle")
        page.wait_for_function("q => document.querySelector('[data-kb-search-page]').dataset.kbQuery === q", arg=q)
    assert page.evaluate("window.__kbXss || 0") == 0
    assert page.kb_log.errors == [] and page.kb_log.console == []
    assert own_host_only(page.kb_log.requests, base) == []
