"""The staff screens in Chromium: a keyboard-only journey (sign in, the queue in respond_by
order with its countdowns, open a request, acknowledge it, see attainment change in the
report), axe-core on every staff page (signed in and out, with and without errors), the
wizard's hostile list shown as text on every screen and report with no script run, and the
static report loading nothing from another host."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from staffkit import hostile_texts, start

from desk.staff import report_page
from desk.storage import Store
from testkit.desk_seed import STAFF, instant

pytestmark = pytest.mark.browser

# Markup that would mean a payload's text became HTML (our plots are <img class="plot">).
DANGER = (
    "main script, main iframe, main svg, main object, main details, main marquee, main math, main style, "
    "main base, main a[href^='javascript'], main input[autofocus]:not(#name), main img:not(.plot), main body"
)
COUNT_XSS = "window.__xss = (n) => { window.__xssCalls = (window.__xssCalls || 0) + 1; };"


@pytest.fixture
def open_page(browser, page):
    """A page with the desk's Content-Security-Policy switched off: axe-core must be injected,
    and the hostile test must show that escaping alone keeps payload text inert (the CSP is a
    second wall, not the one this test leans on)."""
    ctx = browser.new_context(bypass_csp=True)
    pg = ctx.new_page()
    pg.kb_log = type(page.kb_log)(pg)  # the suite's PageLog (tests/conftest.py)
    yield pg
    ctx.close()


@pytest.fixture(scope="module")
def hostile_desk(desk_server, policy, site_dir, tmp_path_factory):
    d = start(desk_server, tmp_path_factory.mktemp("hostile"), policy, site_dir, hostile_texts())
    yield d
    d.served.close()


def keyboard_sign_in(page, base: str) -> None:
    page.goto(base + "/desk/")
    assert page.url.startswith(base + "/desk/sign-in")
    assert page.evaluate("document.activeElement.id") == "name"  # the form is ready to type into
    page.keyboard.type(STAFF[0])
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF[1])
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/desk/")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the keyboard focus")


def test_keyboard_journey_queue_request_acknowledge_report(page, staff_desk):
    base, refs = staff_desk.url, staff_desk.seeded.references
    staff_desk.clock.at = instant("2026-03-09T09:00:00-07:00")
    try:
        keyboard_sign_in(page, base)
        order = page.eval_on_selector_all("tr[data-reference]", "els => els.map(e => e.dataset.reference)")
        due = [staff_desk.store.request(staff_desk.seeded.ids[n])["respond_by"] for n in refs if refs[n] in order]
        assert order[:2] == [refs["friday-low"], refs["friday-evening-p1"]] and len(order) == len(due)
        row = page.locator(f"tr[data-reference='{refs['friday-evening-p1']}']")
        assert row.locator(".clock").inner_text() == "30 min of support time left"
        page.goto(base + "/desk/reports")
        before = page.locator("#t-attainment-1 tbody tr", has_text="P1").inner_text()
        page.goto(base + "/desk/")
        tab_to(page, f"a[href='/desk/requests/{refs['friday-evening-p1']}']")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/desk/requests/{refs['friday-evening-p1']}")
        tab_to(page, "form[action$='/acknowledge'] button")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Acknowledged: the first response is recorded, within the commitment")
        tab_to(page, "a[href='/desk/reports']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/desk/reports")
        after = page.locator("#t-attainment-1 tbody tr", has_text="P1").inner_text()
        met_before, met_after = int(before.split("\t")[1]), int(after.split("\t")[1])
        assert met_after == met_before + 1, (before, after)
        assert page.kb_log.errors == [] and [c for c in page.kb_log.console if c.startswith("error")] == []
        assert {urlsplit(u).netloc for u in page.kb_log.requests} == {urlsplit(base).netloc}
    finally:
        staff_desk.clock.at = staff_desk.seeded.now


def test_axe_finds_no_wcag_aa_violation_on_any_staff_page(open_page, staff_desk, axe):
    page = open_page
    base, refs = staff_desk.url, staff_desk.seeded.references
    seen = {}

    def check(name: str) -> None:
        seen[name] = axe(page)

    page.goto(base + "/desk/sign-in")
    check("sign-in")
    page.fill("#name", "nobody")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("#sign-in-error")
    check("sign-in with an error")
    page.goto(base + "/desk/sign-in?notice=signed-out")
    check("signed out notice")
    page.fill("#name", STAFF[0])
    page.fill("#password", STAFF[1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/desk/")
    check("queue")
    page.goto(base + "/desk/?status=all&priority=P1")
    check("queue, filtered")
    page.goto(base + "/desk/?product=none-such")
    check("queue, empty")
    for name in ("monday-p2", "thursday-p2"):
        page.goto(f"{base}/desk/requests/{refs[name]}")
        check(f"request {name}")
    page.goto(f"{base}/desk/requests/{refs['thursday-p2']}?notice=already")
    check("request, notice")
    page.goto(base + "/desk/reports")
    check("reports")
    page.goto(base + "/desk/requests/0000-0000")
    check("no such request")
    page.evaluate("() => { document.querySelector('form.signout input[name=csrf]').value = 'forged'; }")
    page.click("form.signout button")
    page.wait_for_selector("text=Form refused")
    check("CSRF refusal")
    assert {k: v for k, v in seen.items() if v} == {}


def test_hostile_text_is_shown_as_text_everywhere_and_runs_nothing(open_page, hostile_desk, axe):
    page = open_page
    base = hostile_desk.url
    page.add_init_script(COUNT_XSS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for text in hostile_texts()[:8]:  # typed into the sign-in form: echoed back as text
        page.goto(base + "/desk/sign-in")
        page.fill("#name", text)
        page.fill("#password", "wrong password")
        page.click("button[type=submit]")
        page.wait_for_selector("#sign-in-error")
        assert page.input_value("#name") == text[:200] and page.query_selector_all(DANGER) == []
    keyboard_sign_in(page, base)
    stored = {n: r for n, r in hostile_desk.seeded.references.items() if n.startswith("hostile-")}
    assert len(stored) >= 25  # most of the list is stored; the rest refused (NUL, lone surrogates)
    page.goto(base + "/desk/?status=all")
    shown = page.eval_on_selector_all("tr[data-reference] td.text", "els => els.map(e => e.textContent)")
    summaries = hostile_desk.seeded.summaries
    assert sum(1 for t in summaries.values() if not t.startswith("hostile ")) >= 20  # most kept verbatim
    for name in stored:
        assert summaries[name] in shown, summaries[name][:60]
    assert page.query_selector_all(DANGER) == []
    for name, ref in stored.items():
        page.goto(f"{base}/desk/requests/{ref}")
        assert page.query_selector_all(DANGER) == [], name
    page.goto(base + "/desk/reports")
    assert page.query_selector_all(DANGER) == []
    body = page.inner_text("main")
    assert "<script>__xss(1)</script>" in body and "<img src=x onerror=__xss(2)>" in body
    assert axe(page) == []
    for image in page.eval_on_selector_all("img.plot", "els => els.map(e => e.src)"):
        page.goto(image)  # a plot opened on its own is not a document that runs anything
    assert page.evaluate("window.__xssCalls || 0") == 0 and dialogs == []
    assert page.kb_log.errors == []


def test_static_report_loads_nothing_from_another_host(page, hostile_desk, policy, tmp_path, axe, serve):
    out = tmp_path / "report"
    store = Store(hostile_desk.store.url)
    report_page.write(out, store, policy, None, hostile_desk.seeded.now)
    store.close()
    base = serve(out)  # as a writer's static host would serve the folder
    page.add_init_script(COUNT_XSS)
    page.goto(base + "index.html")
    images = page.eval_on_selector_all("img.plot", "els => els.map(e => e.naturalWidth)")
    assert images and all(w > 0 for w in images)  # every plot loaded from the folder
    assert {urlsplit(u).netloc for u in page.kb_log.requests} == {urlsplit(base).netloc}, page.kb_log.requests
    assert {Path(urlsplit(u).path).name for u in page.kb_log.requests} <= {p.name for p in out.iterdir()}
    assert page.query_selector_all(DANGER) == [] and page.evaluate("window.__xssCalls || 0") == 0
    assert page.kb_log.errors == [] and [c for c in page.kb_log.console if c.startswith("error")] == []
    assert "<script>__xss(1)</script>" in page.inner_text("main")
    assert axe(page) == []
