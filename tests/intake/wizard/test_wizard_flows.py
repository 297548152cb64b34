"""Every flow of the wizard, with the keyboard alone, in headless Chromium; every payload
passes `kb intake verify` against the policy the site published."""

from __future__ import annotations

import json

import pytest

from testkit.wizard_driver import FLOWS

pytestmark = pytest.mark.browser

# What each flow must end with: (priority, route, eligibility, response hours).
EXPECT = {
    "P1": ("P1", "vendor", "eligible", 2),
    "P2": ("P2", "vendor", "eligible", 3),
    "P3": ("P3", "vendor", "eligible", 4),
    "P4": ("P4", "vendor", "eligible", 4),
    "partner": ("P1", "northwind-imaging", "eligible", None),
    "not_covered": ("P1", "vendor", "not_covered", None),
    "special_services": ("P1", "vendor", "special_services", None),  # no response time is promised
    "escalation": ("P1", "vendor", "eligible", 2),
}


@pytest.mark.parametrize("flow", list(EXPECT))
def test_flow_by_keyboard_gives_a_payload_that_verifies(wizard, flow, verify_payload, page_errors):
    pages = wizard.run(FLOWS[flow])
    assert pages[-1] == "sent"
    payload = wizard.payload()
    c = payload["classification"]
    assert (c["priority"], c["route"], c["eligibility"], c["response_hours"]) == EXPECT[flow]
    res = verify_payload(payload, wizard.site)
    assert res.returncode == 0, res.stdout + res.stderr
    text = wizard.page.inner_text(".kb-wz")
    # The confirmation says what happens next, in words.
    assert payload["id"] in text
    assert f"Priority {c['priority']}" in text
    if c["response_hours"]:
        assert f"within {c['response_hours']} business hour" in text
        assert "America/Los_Angeles" in text  # the desk's clock time is shown too
    assert page_errors(wizard.page) == []
    foreign = [u for u in wizard.page.kb_log.requests if not u.startswith((wizard.base, "data:", "blob:"))]
    assert foreign == []  # no third-party host, ever


def test_policy_that_cannot_load_stops_the_form_with_a_message(page, serve, shipped_site):
    from testkit.wizard_driver import WizardDriver

    base = serve(shipped_site)
    page.route("**/policy/compiled-policy.json", lambda r: r.fulfill(status=200, body='{"format_version": 99}', content_type="application/json"))
    drv = WizardDriver(page, base)
    page.goto(base + "request/")
    drv.wait()
    assert drv.step() == "unavailable"
    text = page.inner_text(".kb-wz")
    assert "cannot start" in text and "99" in text and "support@psigen.example" in text


def test_each_outcome_shows_its_own_page_on_the_way(wizard):
    pages = wizard.run(FLOWS["partner"])
    assert "routed" in pages and pages.index("routed") == pages.index("partner") + 1
    # The partner's contact, from the policy's directory.
    wizard.open()
    wizard.run(FLOWS["partner"], until="routed")
    text = wizard.page.inner_text(".kb-wz")
    assert "Northwind Imaging (sample)" in text and "support@northwind-imaging.example" in text
    wizard.open()
    pages = wizard.run(FLOWS["not_covered"], until="not_covered")
    assert pages[-2] == "contract_active"
    text = wizard.page.inner_text(".kb-wz")
    assert "Renew" in text and "Special Services" in text
    wizard.open()
    pages = wizard.run(FLOWS["special_services"], until="special")
    assert pages[-2] == "outside_hours"


def test_partner_request_is_offered_to_the_partner_not_posted(wizard):
    wizard.run(FLOWS["partner"])
    link = wizard.page.get_attribute(".kb-wz-actions a[href^='mailto:']", "href")
    assert link.startswith("mailto:support@northwind-imaging.example?")
    assert "Northwind Imaging" in wizard.page.inner_text(".kb-wz-next")
    assert wizard.page.query_selector("text=Send request") is None


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


def test_kb_step_records_queries_suggestions_and_opened_articles(wizard, verify_payload):
    wizard.run(FLOWS["P1"], until="kb")
    wizard.page.wait_for_selector(".kb-wz-articles a")
    first = wizard.page.get_attribute(".kb-wz-articles a", "data-kb-id")
    wizard.tab_to(".kb-wz-articles a")
    with wizard.page.expect_navigation():
        wizard.page.keyboard.press("Enter")  # opens the article (same tab) ...
    assert "request/" not in wizard.page.url
    wizard.page.go_back()  # ... and comes back: the draft brings the person back to the KB step
    wizard.wait()
    assert wizard.step() == "kb"
    wizard.page.wait_for_selector(".kb-wz-count:not(:empty)")
    wizard.tab_to("#kb-wz-q")
    wizard.page.keyboard.press("Control+A")
    wizard.page.keyboard.type("export fails")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector("text=for “export fails”")
    wizard.run(FLOWS["P1"])
    kb = wizard.payload()["kb_attempt"]
    assert kb["queries"] == [FLOWS["P1"]["summary"], "export fails"]
    assert first in kb["opened"] and first in kb["suggested"] and kb["helped"] is False
    assert verify_payload(wizard.payload(), wizard.site).returncode == 0


def test_from_an_article(page, serve, shipped_site):
    from testkit.wizard_driver import WizardDriver

    base = serve(shipped_site)
    page.goto(base + "troubleshooting/scanning/scanner-not-detected/")
    page.click("[data-kb-request-link]")
    drv = WizardDriver(page, base)
    drv.wait()
    assert "article=" in page.url
    state = drv.draft()["state"]
    article = state["article"]
    assert article and article in state["kb"]["opened"]
    titles = {k: v for f in (shipped_site / "assets/intake/wizard/articles").glob("*.json") for k, v in json.loads(f.read_text())["articles"].items()}
    assert state["answers"]["summary"] == titles[article][0]  # the search step is seeded with it
    plan = dict(FLOWS["P1"])
    plan.pop("summary")
    pages = drv.run(plan | {"summary": titles[article][0]}, until="kb")
    assert pages[-1] == "kb"
    assert titles[article][0] in page.inner_text(".kb-wz")


def change(wizard, sid: str) -> None:
    """Follow the Change link of `sid` on Check your answers, with the keyboard."""
    wizard.tab_to(f"a[href='#step={sid}&change=1']")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(f".kb-wz[data-step={sid}]")


def test_change_links_return_to_check_answers(wizard):
    wizard.run(FLOWS["P1"], until="check")
    # Change a policy answer that changes nothing downstream: straight back to Check.
    change(wizard, "deployment")
    wizard.press_continue()
    assert wizard.step() == "check"
    # Change impact to a question: `users_affected` is no longer asked; back at Check
    # without it, and the priority follows the engine.
    change(wizard, "impact")
    wizard.choose("question")
    wizard.press_continue()
    assert wizard.step() == "check"
    assert "How many users are affected?" not in wizard.page.inner_text(".kb-wz")
    # Change it back: the answer given before on that branch is still known, so Check again.
    change(wizard, "impact")
    wizard.choose("functionality_loss")
    wizard.press_continue()
    assert wizard.step() == "check"
    assert "How many users are affected?" in wizard.page.inner_text(".kb-wz")
    wizard.run(FLOWS["P1"])
    assert wizard.payload()["classification"]["priority"] == "P1"


def test_change_to_a_new_branch_asks_its_questions_then_returns(wizard):
    wizard.run(FLOWS["P4"], until="check")
    change(wizard, "environment")
    wizard.press_continue()
    change(wizard, "impact")
    wizard.choose("functionality_loss")
    wizard.press_continue()
    assert wizard.step() == "users_affected"  # the new branch's question, in change mode
    wizard.choose("few")
    wizard.press_continue()
    assert wizard.step() == "check"
    wizard.run(FLOWS["P2"])
    assert wizard.payload()["classification"]["priority"] == "P2"


def test_back_link_goes_to_the_previous_page(wizard):
    wizard.run(FLOWS["P1"], until="version")
    wizard.tab_to(".kb-wz-back")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(".kb-wz[data-step=product]")
    assert wizard.page.is_checked(".kb-wz input[value=psicapture]")


def test_escalating_the_last_request_starts_from_its_answers(wizard, verify_payload):
    wizard.run(FLOWS["P2"])
    first = wizard.payload()
    wizard.tab_to("[data-action=download]")
    wizard.page.keyboard.press("Enter")  # delivered (as a file): the draft is cleared
    wizard.page.evaluate("location.hash = '#step=kind'")
    wizard.page.reload()
    wizard.wait()
    plan = {"kind": "escalation", "esc_request_id": first["id"], "esc_reason": "raise_priority",
            "esc_justification": "Now everyone is blocked.", "esc_intro": "continue",
            "users_affected": "many_or_all", "kb": "continue"}
    pages = []
    for _ in range(60):  # every page shows the earlier answer; only users_affected changes
        sid = wizard.step()
        pages.append(sid)
        if sid == "check":
            break
        if sid in plan:
            wizard.answer(plan)
        else:
            wizard.press_continue()
    assert "contact" in pages and wizard.step() == "check"
    wizard.press_continue()
    p = wizard.payload()
    assert p["kind"] == "escalation" and p["escalation"]["request_id"] == first["id"]
    assert p["classification"]["priority"] == "P1"
    assert p["requester"] == first["requester"] and p["problem"] == first["problem"]
    assert verify_payload(p, wizard.site).returncode == 0
