"""Every flow of the wizard, with the keyboard alone, in headless Chromium, walked by a driver
that knows the policy's question ids but not the wizard's wording: the screen counts, the
progress line, what each screen explains, and every payload checked with `kb intake verify`
against the policy the site published."""

from __future__ import annotations

import json

import pytest

from intake.reference import reference_for
from testkit.project import REPO
from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser

# What each flow must end with: (priority, route, eligibility, response hours).
EXPECT = {
    "P1": ("P1", "vendor", "eligible", 2),
    "P2": ("P2", "vendor", "eligible", 3),
    "P3": ("P3", "vendor", "eligible", 4),
    "P4": ("P4", "vendor", "eligible", 4),
    "partner": ("P1", "northwind-imaging", "eligible", None),
    "partner_unlisted": ("P1", "unlisted", "eligible", None),
    "not_covered": ("P1", "vendor", "not_covered", None),
    "special_services": ("P1", "vendor", "special_services", None),  # no response time is promised
}
V2_SCHEMA = REPO / "intake" / "schemas" / "request-payload.v2.json"

V2_KEYS = {"schema_version", "id", "created_at", "kind", "policy", "escalation", "requester"}


def check_v2_escalation(payload: dict, verify_payload, site) -> None:
    """An escalation is payload version 2: only the reference, reason, justification, contact."""
    assert set(payload) == V2_KEYS
    assert payload["schema_version"] == 2 and payload["kind"] == "escalation"
    assert set(payload["escalation"]) == {"reference", "reason", "justification"}
    assert set(payload["requester"]) == {"name", "email", "organisation"}
    if V2_SCHEMA.exists():  # the policy work publishes it; `kb intake verify` then reads both versions
        res = verify_payload(payload, site)
        assert res.returncode == 0, res.stdout + res.stderr


def caption(drv: WizardDriver) -> str:
    return drv.page.inner_text(".kb-wz-caption") if drv.page.query_selector(".kb-wz-caption") else ""


@pytest.mark.parametrize("flow", list(EXPECT))
def test_flow_by_keyboard_gives_a_payload_that_verifies(wizard, flow, verify_payload, page_errors):
    captions: list[str] = []
    nulls: list[str] = []

    def look(sid: str) -> None:
        captions.append(caption(wizard))
        if "null" in wizard.page.inner_text(".kb-wz").split():
            nulls.append(sid)

    pages = wizard.run(FLOWS[flow], on_page=look)
    assert pages[-1] == "sent"
    assert nulls == []  # no stray "null" printed anywhere
    # Every screen says where the customer is: "Step i of n – section", i counting up.
    steps = [c for c in captions if c]
    assert len(steps) == len(pages) - 1 and [int(c.split()[1]) for c in steps] == list(range(1, len(steps) + 1))
    assert all(c.split()[3] == str(len(steps)) for c in steps[-3:])
    payload = wizard.payload()
    c = payload["classification"]
    assert (c["priority"], c["route"], c["eligibility"], c["response_hours"]) == EXPECT[flow]
    res = verify_payload(payload, wizard.site)
    assert res.returncode == 0, res.stdout + res.stderr
    text = wizard.page.inner_text(".kb-wz")
    # The confirmation says first that nothing was sent (no endpoint here), gives the
    # reference a person can read over the phone, and what happens next in words.
    assert wizard.page.inner_text("h1") == "Your request has not been sent yet"
    assert reference_for(payload["id"]) in text
    assert f"({c['priority']})" in text
    if c["response_hours"]:
        assert f"within {c['response_hours']} business hour" in text and "of receiving them" in text
    assert page_errors(wizard.page) == []
    foreign = [u for u in wizard.page.kb_log.requests if not u.startswith((wizard.base, "data:", "blob:"))]
    assert foreign == []  # no third-party host, ever


def test_screen_counts_p1_at_most_8_escalation_at_most_4(wizard, verify_payload):
    """The issue's bar, counted by the driver: screens before "Check your answers"."""
    counts = {}
    for flow in ["P1", "escalation"]:
        wizard.open()
        pages = wizard.run(FLOWS[flow])
        counts[flow] = pages.index("check")
        if flow == "escalation":
            check_v2_escalation(wizard.payload(), verify_payload, wizard.site)
    print(f"screens before check: {counts}")
    assert counts["P1"] <= 8
    assert counts["escalation"] + 1 <= 4  # reference, reason, contact, check


def test_check_answers_groups_answers_under_the_section_headings(wizard):
    sections = []
    wizard.run(
        FLOWS["P1"],
        until="check",
        on_page=lambda sid: sections.append(caption(wizard).split(" – ", 1)[-1]),
    )
    headings = wizard.page.eval_on_selector_all(".kb-wz h2.kb-wz-section", "els => els.map(e => e.textContent)")
    assert headings == [s for s in sections[:-1] if s != "Articles"]  # the KB screen asks nothing
    # A question with one possible answer was answered for the customer and says so.
    row = wizard.page.inner_text("[data-field=deployment]")
    assert "on-premises" in row and "the only possible answer" in row
    assert wizard.page.query_selector("[data-field=deployment] a") is None  # nothing to change
    # The button says what it does: no endpoint here, so it prepares an email.
    assert wizard.page.inner_text(".kb-wz-continue") == "Prepare email"


def test_policy_that_cannot_load_stops_the_form_with_a_message(page, serve, shipped_site):
    base = serve(shipped_site)
    page.route(
        "**/policy/compiled-policy.json",
        lambda r: r.fulfill(status=200, body='{"format_version": 99}', content_type="application/json"),
    )
    drv = WizardDriver(page, base)
    page.goto(base + "request/")
    drv.wait()
    assert drv.step() == "unavailable"
    text = page.inner_text(".kb-wz")
    assert "cannot start" in text and "99" in text and "support@psigen.example" in text


def test_each_outcome_is_explained_on_the_screen_that_decides_it(wizard):
    # A partner's customer: the partner's contact on the first screen, before Continue.
    wizard.answer_only(FLOWS["partner"])
    text = wizard.page.inner_text(".kb-wz-notices")
    assert "Northwind Imaging (sample)" in text and "support@northwind-imaging.example" in text
    # No contract: "not covered" and the options on the product screen.
    wizard.open()
    wizard.run(FLOWS["not_covered"], until="product")
    wizard.answer_only(FLOWS["not_covered"])
    text = wizard.page.inner_text(".kb-wz-notices")
    assert "not covered by Support" in text and "Renew" in text
    link = wizard.page.get_attribute(".kb-wz-notices a", "href")
    assert link.endswith("/policies/product-lifecycle/")  # "see the product lifecycle" is a link
    # A ticked exclusion shows its plain explanation under its box, at once.
    wizard.open()
    wizard.run(FLOWS["special_services"], until="scope")
    wizard.answer_only(FLOWS["special_services"])
    why = wizard.page.inner_text("input[data-question=onsite] ~ .kb-wz-why")
    assert "Support is remote only" in why
    assert "Special Service" in wizard.page.inner_text(".kb-wz-notices")


def test_none_of_these_and_a_statement_both_ticked_is_an_error(wizard):
    wizard.run(FLOWS["P1"], until="scope")
    wizard.tick("input[data-question=hardware]", True)
    wizard.tick("input[value=__none__]", True)
    assert wizard.page.is_checked("input[data-question=hardware]")  # not silently unticked
    wizard.press_continue()
    assert wizard.step() == "scope"
    assert wizard.active(".kb-wz-errors")
    msg = wizard.page.inner_text(".kb-wz-errors a")
    assert msg == "Select “None of these apply” or the statements that apply, not both"
    assert "PSIGEN does not maintain hardware" in wizard.page.inner_text("input[data-question=hardware] ~ .kb-wz-why")


def test_partner_request_is_offered_to_the_partner(wizard):
    wizard.run(FLOWS["partner"])
    link = wizard.page.get_attribute("[data-action=email]", "href")
    assert link.startswith("mailto:support@northwind-imaging.example?")
    assert "Northwind Imaging" in wizard.page.inner_text(".kb-wz-next")
    assert wizard.page.query_selector("[data-action=send]") is None


def test_deflected_by_an_article(wizard, page_errors):
    pages = wizard.run(FLOWS["deflected"])
    assert pages[-1] == "deflected"
    assert "Glad that helped" in wizard.page.inner_text(".kb-wz")
    rec = json.loads(wizard.page.evaluate("localStorage.getItem('kb.request.deflections')"))[-1]
    assert rec["kind"] == "deflected" and rec["kb"]["helped"] == rec["article"]
    assert rec["kb"]["queries"] == [FLOWS["deflected"]["summary"]]
    assert rec["article"] in rec["kb"]["suggested"]
    assert wizard.draft()["state"]["answers"] == {}  # the draft is done with
    assert page_errors(wizard.page) == []


def test_kb_step_offers_articles_only_and_records_what_happened(wizard, verify_payload):
    wizard.run(FLOWS["P1"], until="kb")
    wizard.page.wait_for_selector(".kb-wz-articles a")
    data = json.loads(wizard.page.inner_text("#kb-request-data"))
    # A query that matches category pages too: only articles are offered.
    wizard.tab_to("#kb-wz-q")
    wizard.page.keyboard.press("Control+A")
    wizard.page.keyboard.type("troubleshooting tips faq")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector("text=for “troubleshooting tips faq”")
    offered = wizard.page.eval_on_selector_all(".kb-wz-articles a", "els => els.map(e => e.dataset.kbId)")
    assert offered and not set(offered) & set(data["landing"])
    first = offered[0]
    wizard.tab_to(f".kb-wz-articles a[data-kb-id='{first}']")
    with wizard.page.expect_navigation():
        wizard.page.keyboard.press("Enter")  # opens the article (same tab) ...
    assert "request/" not in wizard.page.url
    wizard.page.go_back()  # ... and comes back: the draft brings the person back to the KB step
    wizard.wait()
    assert wizard.step() == "kb"
    wizard.run(FLOWS["P1"])
    kb = wizard.payload()["kb_attempt"]
    assert kb["queries"][0] == FLOWS["P1"]["summary"] and "troubleshooting tips faq" in kb["queries"]
    assert first in kb["opened"] and first in kb["suggested"] and kb["helped"] is False
    assert verify_payload(wizard.payload(), wizard.site).returncode == 0


def test_from_an_article(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "troubleshooting/scanning/scanner-not-detected/")
    page.click("[data-kb-request-link]")
    drv = WizardDriver(page, base)
    drv.wait()
    assert "article=" in page.url
    state = drv.draft()["state"]
    article = state["article"]
    assert article and article in state["kb"]["opened"]
    titles = {
        k: v
        for f in (shipped_site / "assets/intake/wizard/articles").glob("*.json")
        for k, v in json.loads(f.read_text())["articles"].items()
    }
    # The first screen says which article the customer came from.
    assert f"You came from the article “{titles[article][0]}”" in page.inner_text(".kb-wz-notice")
    # The KB search uses the customer's own words, and never offers that article again.
    own_words = "scanner not detected after the update"
    pages = drv.run(FLOWS["P1"] | {"summary": own_words}, until="kb")
    assert pages[-1] == "kb"
    page.wait_for_selector(".kb-wz-count:not(:empty)")
    assert page.input_value("#kb-wz-q") == own_words
    offered = page.eval_on_selector_all(".kb-wz-articles a", "els => els.map(e => e.dataset.kbId)")
    assert offered and article not in offered


def change(wizard, sid: str) -> None:
    """Follow the Change link of `sid` on Check your answers, with the keyboard."""
    wizard.tab_to(f"a[href='#step={sid}&change=1']")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(f".kb-wz[data-step={sid}]")


def test_change_links_return_to_check_answers(wizard):
    wizard.run(FLOWS["P1"], until="check")
    change(wizard, "product")
    wizard.press_continue()
    assert wizard.step() == "check"
    # Change impact to a question: `users_affected` is no longer asked (it disappears from
    # the screen at once); back at Check without it, and the priority follows the engine.
    change(wizard, "severity")
    wizard.choose("question", "impact")
    assert "users_affected" not in wizard.fields()
    wizard.press_continue()
    assert wizard.step() == "check"
    assert "How many users are affected?" not in wizard.page.inner_text(".kb-wz")
    # Change it back: the answer given before on that branch is still known.
    change(wizard, "severity")
    wizard.choose("functionality_loss", "impact")
    assert wizard.page.is_checked("[data-field=users_affected] input[value=many_or_all]")
    wizard.press_continue()
    assert wizard.step() == "check"
    wizard.run(FLOWS["P1"])
    assert wizard.payload()["classification"]["priority"] == "P1"


def test_back_link_goes_to_the_previous_screen(wizard):
    wizard.run(FLOWS["P1"], until="severity")
    wizard.tab_to(".kb-wz-back")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(".kb-wz[data-step=product]")
    assert wizard.page.is_checked(".kb-wz input[value=psicapture]")


def test_escalating_a_request_made_in_this_browser_asks_nothing_again(wizard, verify_payload):
    wizard.run(FLOWS["P2"])
    first = wizard.payload()
    ref = reference_for(first["id"])
    wizard.page.evaluate("location.hash = '#step=start'")
    wizard.tab_to(".kb-wz button.kb-wz-link")  # "Start a new request"
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(".kb-wz[data-step=start]")
    plan = {
        "kind": "escalation",
        "esc_reference": ref.lower().replace("-", " "),
        "esc_reason": "raise_priority",
        "esc_justification": "Now everyone is blocked.",
    }
    pages = wizard.run(plan, until="check")
    assert pages == ["start", "esc_reason", "contact", "check"]
    text = wizard.page.inner_text(".kb-wz")
    assert ref in text and "made in this browser" in text and FLOWS["P2"]["summary"] in text
    # The contact was prefilled from that request.
    assert "Ana Example" in wizard.page.inner_text("[data-field=name]")
    wizard.press_continue()
    p = wizard.payload()
    assert p["escalation"] == {
        "reference": ref,
        "reason": "raise_priority",
        "justification": "Now everyone is blocked.",
    }
    assert p["requester"] == {k: first["requester"][k] for k in ("name", "email", "organisation")}
    check_v2_escalation(p, verify_payload, wizard.site)
    assert wizard.page.inner_text("h1") == "Your escalation has not been sent yet"


def test_an_article_title_is_shown_on_one_line_cut_between_characters(page, serve, shipped_site):
    """A title with a line break, a line separator and 150 emoji (300 UTF-16 units): shown as
    one line, cut at 200 characters between emoji; it fills no field of the request."""
    base = serve(shipped_site)
    title = "Scanner\nnot\u2028detected " + "👩‍💻" * 150

    def tamper(route):
        doc = route.fetch().json()
        if "scanner-not-detected" in doc["articles"]:
            doc["articles"]["scanner-not-detected"][0] = title
        route.fulfill(json=doc)

    page.route("**/assets/intake/wizard/articles/*.json", tamper)
    page.goto(base + "request/?article=scanner-not-detected")
    drv = WizardDriver(page, base)
    drv.wait()
    notice = page.inner_text(".kb-wz-notice")
    shown = notice.split("“", 1)[1].split("”", 1)[0]
    assert shown.startswith("Scanner not detected 👩‍💻") and shown.endswith("👩‍💻…")
    assert "\n" not in shown and "\u2028" not in shown
    assert page.evaluate("(s) => s.isWellFormed() && [...s].length <= 200", shown)
    assert drv.draft()["state"]["answers"] == {}  # the customer's summary is theirs to write
