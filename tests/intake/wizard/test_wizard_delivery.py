"""Delivery, honestly: POST to a local desk that fails, hangs, redirects, refuses and recovers;
the payload arrives once and is never lost; the confirmation shows the desk's reference and
due time; without an endpoint it says first that nothing was sent and how to send it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from intake.reference import reference_for
from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser
# Where each button is, relative to the wizard's box (scrolling does not move it).
PLACES = (
    "els => els.map(e => { const r = e.getBoundingClientRect(),"
    " m = document.querySelector('.kb-wz').getBoundingClientRect();"
    " return [r.left - m.left, r.top - m.top]; })"
)


def test_fails_twice_then_succeeds_delivered_exactly_once(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["fail", "fail", "ok"]  # the page retries twice by itself
    drv.run(FLOWS["P1"], until="check")
    assert drv.page.inner_text(".kb-wz-continue") == "Send request"
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We received your request.", timeout=15000)
    assert len(desk.posts) == 3 and len({p["id"] for p in desk.posts}) == 1
    pid = desk.posts[0]["id"]
    assert [h["idempotency-key"] for h in desk.headers] == [pid] * 3  # the idempotency key is the payload id
    assert list(desk.accepted) == [reference_for(pid)]
    # The desk's reference and due time, not ones computed in the browser.
    assert drv.page.inner_text("h1") == "Request sent"
    assert drv.page.inner_text(".kb-wz-ref") == reference_for(pid)
    assert "2030" in drv.page.inner_text(".kb-wz-next") and "January" in drv.page.inner_text(".kb-wz-next")
    assert drv.payload()["classification"]["respond_by"][:4] != "2030"
    zone = drv.page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert drv.page.inner_text(".kb-wz-next").count(zone) <= 1  # each time zone named once
    assert not any(h.get("x-kb-honeypot") for h in desk.headers)  # a person's request
    # Delivered: the draft is gone, a reload shows the confirmation and sends nothing.
    assert drv.draft() is None or drv.draft()["state"]["sent"] is None
    drv.page.reload()
    drv.wait()
    assert drv.step() == "sent" and drv.page.inner_text(".kb-wz-ref") == reference_for(pid)
    drv.page.wait_for_timeout(500)
    assert len(desk.posts) == 3


def test_failure_is_said_plainly_payload_kept_retry_once(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["fail", "fail", "fail", "hang"]
    drv.run(FLOWS["P2"])
    drv.page.wait_for_selector("text=We could not send your request", timeout=15000)
    assert drv.page.inner_text("h1") == "Your request has not been sent yet"
    text = drv.page.inner_text(".kb-wz-status")
    assert "503" in text and "saved in this browser" in text
    assert desk.accepted == {}
    # Nothing is lost across a reload: the outbox holds the payload, Download still works.
    drv.page.reload()
    drv.wait()
    assert drv.step() == "sent"
    assert drv.item()["status"] == "failed"
    with drv.page.expect_download() as dl:
        drv.tab_to("[data-action=download]")
        drv.page.keyboard.press("Enter")
    saved = json.loads(Path(dl.value.path()).read_text())
    assert dl.value.suggested_filename == f"support-request-{reference_for(saved['id'])}.json"
    assert saved["id"] == desk.posts[0]["id"] and saved["classification"]["priority"] == "P2"
    # Try again: the first attempt hangs past the timeout (the desk stores it anyway), the
    # automatic retry is answered: the desk has it once.
    drv.tab_to("[data-action=send]")
    drv.page.keyboard.press("Enter")
    drv.page.wait_for_selector("text=We received your request.", timeout=20000)
    assert len({p["id"] for p in desk.posts}) == 1 and len(desk.accepted) == 1
    assert len(desk.posts) >= 5


@pytest.mark.parametrize("code", [301, 302, 303, 307])
def test_a_redirect_is_a_failure_never_sent(desk_wizard, code):
    """301/302/303 used to turn the POST into a bodiless GET the wizard took for "sent"."""
    drv, desk = desk_wizard
    desk.plan[:] = [f"redirect-{code}"]
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We could not send your request", timeout=15000)
    assert "redirect" in drv.page.inner_text(".kb-wz-status")
    assert drv.page.inner_text("h1") == "Your request has not been sent yet"
    assert "sent" not in drv.page.inner_text(".kb-wz-lead").replace("not been sent", "")
    assert len(desk.posts) == 1 and desk.accepted == {}  # not retried: a redirect will not change
    assert drv.item()["status"] == "failed"
    assert drv.draft()["state"]["sent"] == desk.posts[0]["id"]  # the draft is kept
    assert drv.page.query_selector("[data-action=download]") and drv.page.query_selector("[data-action=send]")


def test_refused_request_shows_the_desks_messages_as_text(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["refuse"]
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We could not send your request", timeout=15000)
    status = drv.page.inner_text(".kb-wz-status")
    assert (
        "refused the request (422)" in status
        and "$.requester.name <img src=x onerror=__xss(1)> is not accepted" in status
    )
    assert drv.page.evaluate("window.__xssHits || 0") == 0
    assert len(desk.posts) == 1 and drv.item()["status"] == "failed"


def test_conflict_is_said_and_not_retried(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["conflict"]
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=already has a different request with this id", timeout=15000)
    assert len(desk.posts) == 1


def test_honeypot_filled_by_a_bot_is_sent_as_a_header(desk_wizard):
    drv, desk = desk_wizard
    drv.run(FLOWS["P1"], until="contact")
    hp = drv.page.query_selector("#f-website")
    # Out of people's way: not in the tab order, hidden from screen readers.
    assert hp.get_attribute("tabindex") == "-1" and hp.get_attribute("autocomplete") == "off"
    assert drv.page.eval_on_selector("#f-website", "e => e.closest('[aria-hidden=true]') !== null")
    assert drv.page.eval_on_selector("#f-website", "e => e.getBoundingClientRect().right < 0")
    drv.page.fill("#f-website", "http://spam.example/\r\nX: y")  # a bot fills it by script
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We received your request.", timeout=15000)
    assert desk.headers[0]["x-kb-honeypot"].startswith("http%3A%2F%2Fspam.example")
    assert "website" not in json.dumps(desk.posts[0])  # never in the payload


def settled(drv, index: int, status: str) -> None:
    """Wait (15 s at most) until the outbox item at `index` has `status`."""
    drv.page.wait_for_function(
        "([i, s]) => { const items = JSON.parse(localStorage.getItem('kb.request.outbox')).items;"
        " return items.at(i).status === s; }",
        arg=[index, status],
        timeout=15000,
    )


def test_a_send_in_flight_and_a_new_request_do_not_clobber_each_other(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["slow"]
    drv.run(FLOWS["P1"])
    # While the first POST is in flight, start a new request and answer its first screen.
    drv.tab_to(".kb-wz button.kb-wz-link")
    drv.page.keyboard.press("Enter")
    drv.page.wait_for_selector(".kb-wz[data-step=start]")
    drv.choose("new", "kind")
    settled(drv, 0, "delivered")  # the first POST is answered while the new draft is in use
    assert len(desk.accepted) == 1
    first = drv.outbox()[0]
    assert first["status"] == "delivered" and first["desk"]["reference"] == reference_for(first["payload"]["id"])
    state = drv.draft()["state"]
    assert state["answers"] == {"kind": "new"} and state["id"] != first["payload"]["id"]  # the new draft survives
    # And the other way round: a send that fails after a new request began is not lost.
    desk.plan[:] = ["slow-fail"] * 3
    drv.run(FLOWS["P2"])
    drv.tab_to(".kb-wz button.kb-wz-link")
    drv.page.keyboard.press("Enter")
    drv.page.wait_for_selector(".kb-wz[data-step=start]")
    settled(drv, -1, "failed")  # three attempts, 1 s and 2 s apart
    second = drv.outbox()[-1]
    assert second["status"] == "failed" and second["payload"]["classification"]["priority"] == "P2"
    drv.page.reload()
    drv.wait()
    assert "has not reached support yet" in drv.page.inner_text(".kb-wz-notice")
    drv.tab_to(".kb-wz-notice a")
    drv.page.keyboard.press("Enter")
    drv.page.wait_for_selector(".kb-wz[data-step=sent] [data-action=send]")
    assert reference_for(second["payload"]["id"]) in drv.page.inner_text(".kb-wz-ref")


def test_escalation_of_a_request_the_desk_knows(desk_wizard):
    drv, desk = desk_wizard
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We received your request.", timeout=15000)
    ref = reference_for(desk.posts[0]["id"])
    drv.page.evaluate("localStorage.clear()")  # another browser: only the desk knows it
    drv.open()
    plan = {
        "kind": "escalation",
        "esc_reference": ref,
        "esc_reason": "raise_priority",
        "esc_justification": "Worse now.",
        "name": "Ana Example",
        "email": "ana@example.com",
        "organisation": "Example Ltd",
    }
    drv.run(plan, until="check")
    assert desk.lookups == [ref]
    assert "known to the support desk: priority P1, open" in drv.page.inner_text("[data-field=esc_reference]")
    drv.run(plan)
    drv.page.wait_for_selector("text=We received your escalation.", timeout=15000)
    assert drv.page.inner_text("h1") == "Escalation sent"
    assert desk.posts[-1]["escalation"]["reference"] == ref and desk.posts[-1]["schema_version"] == 2


def test_escalation_of_a_reference_the_desk_does_not_know_is_an_error(desk_wizard):
    drv, desk = desk_wizard
    drv.answer_only({"kind": "escalation", "esc_reference": "7K3M-Q9XA"})
    drv.press_continue()
    assert drv.step() == "start" and drv.active(".kb-wz-errors")
    assert drv.page.inner_text(".kb-wz-errors a") == (
        "Support has no request with the reference 7K3M-Q9XA. Check it against your confirmation."
    )
    assert desk.lookups == ["7K3M-Q9XA"]


def test_deflection_is_told_to_the_desk(desk_wizard):
    drv, desk = desk_wizard
    drv.run(FLOWS["deflected"])
    drv.page.wait_for_timeout(300)
    assert len(desk.deflections) == 1
    d = desk.deflections[0]
    assert set(d) == {"article_id", "ts", "query"} and d["query"] == FLOWS["deflected"]["summary"]
    assert d["article_id"] == json.loads(drv.page.evaluate("localStorage.getItem('kb.request.last')"))["article"]


def test_no_endpoint_prepares_an_email_and_says_nothing_was_sent(page, serve, shipped_site):
    drv = WizardDriver(page, serve(shipped_site))
    drv.open()
    drv.run(FLOWS["P1"], until="check")
    assert drv.page.inner_text(".kb-wz-continue") == "Prepare email"
    drv.run(FLOWS["P1"])
    assert not [u for u in page.kb_log.requests if "/api/" in u]
    payload = drv.payload()
    ref = reference_for(payload["id"])
    assert page.inner_text("h1") == "Your request has not been sent yet"
    lead = page.inner_text(".kb-wz-lead")
    assert lead.startswith("To send it, download the file and email it to support")
    assert "starts when they receive it, not now" in lead
    assert "respond by" not in page.inner_text(".kb-wz")  # no due time computed in the browser
    parts = urlsplit(page.get_attribute("[data-action=email]", "href"))
    assert parts.scheme == "mailto" and parts.path == "support@psigen.example"
    q = parse_qs(parts.query)
    body = q["body"][0]
    assert ref in q["subject"][0] and FLOWS["P1"]["summary"] in q["subject"][0]
    assert len(body) < 2000 and "{" not in body  # a short readable summary, the JSON is the attachment
    assert "Which product is the request about?: PSIcapture (sample)" in body
    assert f"support-request-{ref}.json" in body
    # Copy puts the same JSON on the clipboard, and moves neither the heading nor the buttons.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    before = page.eval_on_selector_all(
        ".kb-wz .md-button",
        PLACES,
    )
    drv.tab_to("[data-action=copy]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Copied the request to the clipboard.")
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == payload
    assert page.inner_text("h1") == "Your request has not been sent yet"
    after = page.eval_on_selector_all(
        ".kb-wz .md-button",
        PLACES,
    )
    assert after == before
    # Kept in this browser (a reload shows the same page), and known to it for an escalation.
    page.reload()
    drv.wait()
    assert drv.step() == "sent" and page.inner_text(".kb-wz-ref") == ref
    assert drv.item()["via"] == "copy"


def test_a_partner_not_in_the_directory_gets_the_request_and_the_vendor_can_be_asked(desk_wizard):
    drv, desk = desk_wizard
    drv.run(FLOWS["partner_unlisted"], until="check")
    assert drv.page.inner_text(".kb-wz-continue") == "Prepare request"  # not "Send request"
    drv.run(FLOWS["partner_unlisted"])
    drv.page.wait_for_timeout(500)
    assert desk.posts == []  # never posted to the vendor's desk by itself
    assert drv.page.inner_text("h1") == "Your request has not been sent yet"
    assert "your distributor or reseller, who gives you support" in drv.page.inner_text(".kb-wz-lead")
    ask = drv.page.get_attribute("[data-action=ask]", "href")
    assert ask.startswith("mailto:support@psigen.example?subject=Who%20is%20our%20distributor")
    assert drv.page.query_selector("[data-action=send]") is None
