"""The wizard on the built site sends to a running desk (another origin: CORS is exercised).

A P1 request completes, the confirmation shows the desk's reference and due time, and
`kb desk export` holds the payload with `verified: true`. The same with the page tampered in the
browser (priority raised in the request it sends) stores the desk's priority, `verified: false`.
Written against the driver's high-level API (`FLOWS`, answers by question id).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import desk_harness
import pytest

from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk_and_site(shipped_site, serve, tmp_path_factory):
    """(site base URL, desk process, desk db URL): a copy of the shipped site whose wizard posts to the desk."""
    work = tmp_path_factory.mktemp("desk-browser")
    site = work / "site"
    shutil.copytree(shipped_site, site)
    port = desk_harness.free_port()
    page = site / "request" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '"endpoint":""' in html, "the page's delivery options moved"
    page.write_text(
        html.replace('"endpoint":""', f'"endpoint":"http://127.0.0.1:{port}/api/requests"'), encoding="utf-8"
    )
    base = serve(site)
    url = f"sqlite:///{work / 'desk.sqlite3'}"
    desk = desk_harness.DeskProcess(
        url,
        site / "policy" / "compiled-policy.json",
        port=port,
        log=work / "desk.log",
        args=["--site", str(site), "--site-origin", base.rstrip("/")],
    ).start()
    yield base, desk, url
    desk.stop()


def shown_times(page, respond_by: str) -> list[str]:
    """The due time as the wizard writes it (browser zone), for the desk's time and a minute either side."""
    t = dt.datetime.fromisoformat(respond_by)
    return [
        page.evaluate(
            """(iso) => new Intl.DateTimeFormat("en-GB", {weekday: "long", day: "numeric", month: "long",
        year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        timeZoneName: "short"}).format(new Date(iso))""",
            (t + dt.timedelta(minutes=m)).isoformat(),
        )
        for m in (-1, 0, 1)
    ]


def exported(url: str, payload_id: str) -> dict:
    return next(line for line in desk_harness.export(url) if line["id"] == payload_id)


def test_p1_request_arrives_verified_and_the_page_shows_the_desks_reference(page, desk_and_site):
    base, _desk, url = desk_and_site
    drv = WizardDriver(page, base)
    drv.open()
    drv.run(FLOWS["P1"])
    page.wait_for_selector("text=We received your request", timeout=20000)
    payload = drv.payload()
    line = exported(url, payload["id"])
    assert line["verified"] is True and line["differences"] == []
    assert line["payload"] == payload and line["classification"]["priority"] == "P1"
    assert page.inner_text(".kb-wz-ref") == line["reference"]
    respond_by = line["classification"]["respond_by"]
    text = page.inner_text(".kb-wz-next")
    assert any(t in text for t in shown_times(page, respond_by)), (respond_by, text)
    assert [c for c in page.kb_log.console if c.startswith("error")] + page.kb_log.errors == []


def test_tampered_page_gets_the_desks_priority_and_is_not_verified(page, desk_and_site):
    base, _desk, url = desk_and_site
    sent: list[dict] = []

    def tamper(route):
        if route.request.method != "POST":
            route.continue_()
            return
        body = json.loads(route.request.post_data)
        body["classification"]["priority"] = "P1"  # the page raises its priority
        body["classification"]["priority_label"] = "Critical"
        sent.append(body)
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/requests", tamper)
    drv = WizardDriver(page, base)
    drv.open()
    drv.run(FLOWS["P3"])
    page.wait_for_selector("text=We received your request", timeout=20000)
    line = exported(url, sent[0]["id"])
    assert line["payload"]["classification"]["priority"] == "P1"  # stored verbatim ...
    assert line["classification"]["priority"] == "P3"  # ... with the desk's priority
    assert line["verified"] is False
    assert {"field": "classification.priority", "client": "P1", "desk": "P3", "basis": "at created_at"} in line[
        "differences"
    ]
