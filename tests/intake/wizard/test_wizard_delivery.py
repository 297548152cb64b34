"""Delivery: POST to a local desk that fails, hangs and recovers; the payload arrives once
and is never lost; without an endpoint only email, download and copy are offered."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_wizard(page, desk_site):
    base, desk = desk_site
    desk.plan.clear()
    desk.posts.clear()
    desk.accepted.clear()
    desk.keys.clear()
    drv = WizardDriver(page, base)
    drv.open()
    return drv, desk


def test_fails_twice_then_succeeds_delivered_exactly_once(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["fail", "fail", "ok"]  # the page retries twice by itself
    drv.run(FLOWS["P1"])
    drv.page.wait_for_selector("text=We received your request", timeout=15000)
    assert len(desk.posts) == 3 and len({p["id"] for p in desk.posts}) == 1
    assert desk.keys == [desk.posts[0]["id"]] * 3  # the idempotency key is the payload id
    assert list(desk.accepted) == [desk.posts[0]["id"]]
    assert drv.page.inner_text(".kb-wz-ref") == "DESK-0001"  # the desk's reference is shown
    assert drv.page.inner_text("h1") == "Request sent"
    # Delivered: the draft is gone, a reload shows the confirmation and sends nothing.
    assert drv.draft() is None or drv.draft()["state"]["outbox"] is None
    drv.page.reload()
    drv.wait()
    assert drv.step() == "sent" and drv.page.inner_text(".kb-wz-ref") == "DESK-0001"
    drv.page.wait_for_timeout(500)
    assert len(desk.posts) == 3


def test_failure_is_said_plainly_payload_kept_retry_once(desk_wizard):
    drv, desk = desk_wizard
    desk.plan[:] = ["fail", "fail", "fail", "hang"]
    drv.run(FLOWS["P2"])
    drv.page.wait_for_selector("text=We could not send your request", timeout=15000)
    text = drv.page.inner_text(".kb-wz-status")
    assert "503" in text and "saved in this browser" in text
    assert desk.accepted == {}
    # Nothing is lost across a reload: the outbox holds the payload, Download still works.
    drv.page.reload()
    drv.wait()
    assert drv.step() == "sent"
    assert drv.draft()["state"]["outbox"]["status"] == "failed"
    with drv.page.expect_download() as dl:
        drv.tab_to("[data-action=download]")
        drv.page.keyboard.press("Enter")
    saved = json.loads(open(dl.value.path()).read())
    assert saved["id"] == desk.posts[0]["id"] and saved["classification"]["priority"] == "P2"
    # Try again: the first attempt hangs past the timeout (the desk stores it anyway), the
    # automatic retry is answered: the desk has it once.
    drv.tab_to("[data-action=send]")
    drv.page.keyboard.press("Enter")
    drv.page.wait_for_selector("text=We received your request", timeout=20000)
    ids = {p["id"] for p in desk.posts}
    assert len(ids) == 1 and len(desk.accepted) == 1
    assert len(desk.posts) >= 5


def test_no_endpoint_offers_email_download_copy_only(page, serve, shipped_site):
    drv = WizardDriver(page, serve(shipped_site))
    drv.open()
    drv.run(FLOWS["P1"])
    labels = [x.strip() for x in page.eval_on_selector_all(".kb-wz-actions > *", "els => els.map(e => e.textContent)")]
    assert labels == ["Send by email", "Download", "Copy"]
    assert not [u for u in page.kb_log.requests if "/api/" in u]
    href = page.get_attribute(".kb-wz-actions a", "href")
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "support@psigen.example"
    q = parse_qs(parts.query)
    body = q["body"][0]
    payload = drv.payload()
    assert payload["id"] in q["subject"][0]
    assert "Which product is the request about?\n  PSIcapture (sample)" in body  # readable summary
    assert json.loads(body.split("---\n", 1)[1]) == payload  # and the JSON
    # Copy puts the same JSON on the clipboard (permission granted to the test context).
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    drv.tab_to("[data-action=copy]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Copied the request to the clipboard.")
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == payload
    # Using a delivery clears the draft (kept as the last request).
    assert drv.draft() is None
    assert json.loads(page.evaluate("localStorage.getItem('kb.request.last')"))["payload"]["id"] == payload["id"]
