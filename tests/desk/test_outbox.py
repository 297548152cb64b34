"""The outbox: forwarding after the commit, retries with backoff, exactly one ticket per request,
dead letters; against fake Zendesk / JSM over real HTTP and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import json
import time
from typing import Any

import desk_harness
import pytest
from fakes import FakeHelpDesk

from desk import config
from desk.storage import Store, outbox

FAST = config.Retry(max_attempts=6, base_s=0.05, max_s=0.2, timeout_s=0.5, workers=4, poll_s=0.05)


def zendesk_env(url: str) -> dict[str, str]:
    return {"KB_DESK_ZENDESK_URL": url, "KB_DESK_ZENDESK_EMAIL": "agent@example.com", "KB_DESK_ZENDESK_TOKEN": "t0ken"}


def jira_env(url: str) -> dict[str, str]:
    return {"KB_DESK_JIRA_URL": url, "KB_DESK_JIRA_EMAIL": "agent@example.com", "KB_DESK_JIRA_TOKEN": "t0ken"}


def until(check, timeout: float = 30, store: Store | None = None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting; outbox: {store.table_rows(outbox) if store else '?'}")


def states(store: Store) -> list[str]:
    return sorted(r["state"] for r in store.table_rows(outbox))


@pytest.fixture
def fake():
    made: list[FakeHelpDesk] = []

    def start(kind: str, **kw: Any) -> FakeHelpDesk:
        made.append(FakeHelpDesk(kind, **kw))
        return made[-1]

    yield start
    for f in made:
        f.close()


def desk_with(serve_desk, db_url: str, forward: str, env: dict[str, str], retry: config.Retry = FAST):
    return serve_desk(db_url, forward=forward, retry=retry, environ=env)


def test_zendesk_three_failures_then_a_timeout_still_one_ticket_each(db_url, serve_desk, make_payload, fake):
    zd = fake("zendesk", per_id=["fail", "fail", "fail", "timeout"], hang_s=1.0)
    desk = desk_with(serve_desk, db_url, "zendesk", zendesk_env(zd.url))
    sent = [make_payload() for _ in range(8)]
    for p in sent:
        assert desk.post(p).status_code == 201
    until(lambda: states(desk.store) == ["done"] * len(sent))
    assert {pid: len(ids) for pid, ids in zd.created.items()} == {p["id"]: 1 for p in sent}
    assert all(zd.calls[p["id"]] == 4 for p in sent)  # 3 failures, the timeout; the 5th attempt found it
    p = sent[0]
    types = [e["type"] for e in desk.store.events(p["id"])]
    assert types == [
        "received",
        "verified",
        "forward_failed",
        "forward_failed",
        "forward_failed",
        "forward_failed",
        "forwarded",
    ]
    done = desk.store.events(p["id"])[-1]["detail"]
    assert done["found_existing"] is True and done["remote_id"] == zd.created[p["id"]][0]
    ticket = zd.bodies[p["id"]]["ticket"]
    assert ticket["external_id"] == p["id"] and ticket["priority"] == "urgent"
    assert {"id": 360001000001, "value": "P1"} in ticket["custom_fields"]  # from the policy's exports mapping
    assert "Basic " in "".join(zd.auth)
    assert desk.store.request(p["id"])["state"] == "forwarded"


def test_zendesk_ticket_carries_the_desks_priority_not_the_clients(tmp_path, serve_desk, make_payload, fake):
    from desk.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    zd = fake("zendesk")
    desk = desk_with(serve_desk, url, "zendesk", zendesk_env(zd.url))
    p = make_payload(answers={"users_affected": "few"})
    p["classification"]["priority"] = "P1"
    assert desk.post(p).json()["priority"] == "P2"
    until(lambda: states(desk.store) == ["done"])
    assert zd.bodies[p["id"]]["ticket"]["priority"] == "high"


def test_jira_retry_after_a_timeout_finds_the_request_by_label(tmp_path, serve_desk, make_payload, fake):
    from desk.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    jsm = fake("jira", per_id=["fail", "timeout"], hang_s=1.0)
    desk = desk_with(serve_desk, url, "jira", jira_env(jsm.url))
    sent = [make_payload() for _ in range(3)]
    for p in sent:
        desk.post(p)
    until(lambda: states(desk.store) == ["done"] * 3)
    assert {pid: len(v) for pid, v in jsm.created.items()} == {p["id"]: 1 for p in sent}
    body = jsm.bodies[sent[0]["id"]]
    assert body["serviceDeskId"] == "1" and body["requestFieldValues"]["priority"] == {"name": "Highest"}
    assert f"kb-request-{sent[0]['id']}" in body["requestFieldValues"]["labels"]
    assert desk.store.table_rows(outbox)[0]["remote_id"].startswith("SD-")


def test_dead_letter_after_the_last_attempt_is_kept_with_its_error(tmp_path, serve_desk, make_payload, fake):
    from desk.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    zd = fake("zendesk", per_id=["fail"] * 10)
    retry = config.Retry(max_attempts=3, base_s=0.05, max_s=0.1, timeout_s=0.5, workers=1, poll_s=0.05)
    desk = desk_with(serve_desk, url, "zendesk", zendesk_env(zd.url), retry)
    p = make_payload()
    desk.post(p)
    until(lambda: states(desk.store) == ["dead"])
    row = desk.store.table_rows(outbox)[0]
    assert row["attempts"] == 3 and "503" in row["last_error"]
    assert desk.store.request(p["id"])["state"] == "dead_letter"
    assert desk.store.events(p["id"])[-1]["type"] == "dead_lettered"
    assert zd.tickets() == 0


def test_a_rejected_request_is_dead_lettered_at_once(tmp_path, serve_desk, make_payload, fake):
    from desk.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    zd = fake("zendesk", per_id=["reject"])
    desk = desk_with(serve_desk, url, "zendesk", zendesk_env(zd.url))
    desk.post(make_payload())
    until(lambda: states(desk.store) == ["dead"])
    row = desk.store.table_rows(outbox)[0]
    assert (
        row["attempts"] == 1
        and "refused by zendesk" in row["last_error"]
        and "Requester email is invalid" in row["last_error"]
    )


def test_email_one_message_per_request_with_the_json_attached(tmp_path, serve_desk, make_payload):
    from aiosmtpd.controller import Controller

    from desk.migrations import upgrade

    received: list[tuple[str, list[str], bytes]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
            return "250 OK"

    port = desk_harness.free_port()
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
        upgrade(url)
        env = {
            "KB_DESK_SMTP_HOST": "127.0.0.1",
            "KB_DESK_SMTP_PORT": str(port),
            "KB_DESK_SMTP_SENDER": "desk@psigen.example",
        }
        desk = desk_with(serve_desk, url, "email", env)
        p = make_payload()
        desk.post(p)
        until(lambda: states(desk.store) == ["done"], store=desk.store)
    finally:
        smtp.stop()
    assert len(received) == 1
    sender, rcpt, data = received[0]
    assert sender == "desk@psigen.example" and rcpt == ["support@psigen.example"]
    msg = email.message_from_bytes(data)
    assert msg["Message-ID"] == f"<{p['id']}@kb-intake.invalid>" and msg["X-KB-Intake-Priority"] == "P1"
    attached = [part for part in msg.walk() if part.get_filename() == f"request-{p['id']}.json"]
    assert json.loads(attached[0].get_payload(decode=True))["id"] == p["id"]
    assert desk.store.table_rows(outbox)[0]["remote_id"] == msg["Message-ID"]


def test_settings_need_the_forwarders_credentials():
    with pytest.raises(config.ConfigError) as err:
        config.load("sqlite:///x.sqlite3", forward="jira", environ={"KB_DESK_JIRA_URL": "http://jira.example.com"})
    text = str(err.value)
    assert "KB_DESK_JIRA_EMAIL: not set" in text and "KB_DESK_JIRA_TOKEN: not set" in text
    assert "KB_DESK_JIRA_URL: 'http://jira.example.com' must be an https:// URL" in text


def test_no_forwarder_means_no_outbox_rows(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    desk.post(make_payload())
    assert desk.store.table_rows(outbox) == []
    assert desk.app.state.outbox is None  # no worker thread either
