"""Exactly once under faults, and none lost under load (bounded; the numbers are bench/desk_load.py's).

- 500 distinct payloads from 20 concurrent clients while the `kb desk serve` process is killed
  with SIGKILL twice and restarted; clients that got no answer retry with the same id. A fake
  Zendesk fails the first 3 attempts and times out on the 4th (after creating the ticket).
- 2,000 payloads from 50 concurrent clients, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import desk_harness
import pytest
import sqlalchemy as sa
from fakes import FakeHelpDesk

from desk.migrations import upgrade
from desk.storage import make_engine


def stored_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM requests")).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigkill_twice_with_a_failing_zendesk_every_payload_once(tmp_path, policy, policy_file):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    upgrade(url)
    zd = FakeHelpDesk("zendesk", sequence=["fail", "fail", "fail", "timeout"], hang_s=1.0)
    env = {"KB_DESK_ZENDESK_URL": zd.url, "KB_DESK_ZENDESK_EMAIL": "a@example.com", "KB_DESK_ZENDESK_TOKEN": "t"}
    desk = desk_harness.DeskProcess(
        url,
        policy_file,
        env=env,
        log=tmp_path / "desk.log",
        args=[
            "--forward",
            "zendesk",
            "--rate-limit",
            "0",
            "--retry-base",
            "0.05",
            "--forward-timeout",
            "0.5",
            "--max-attempts",
            "30",
        ],
    ).start()
    items = desk_harness.payloads(500, policy)
    kills: list[int] = []

    def killer() -> None:
        for at in (100, 300):
            end = time.monotonic() + 90
            while stored_count(url) < at and time.monotonic() < end:
                time.sleep(0.02)
            desk.kill()
            kills.append(stored_count(url))
            desk.start()

    k = threading.Thread(target=killer)
    k.start()
    try:
        results = desk_harness.post_all(desk.url, items, clients=20, deadline_s=150, retry_pause=0.1)
        k.join(120)
        # every row forwarded: wait out the lease of the rows the killed process held
        end = time.monotonic() + 90
        while time.monotonic() < end:
            done = [r for r in desk_harness.export(url) if r["outbox"] and r["outbox"][0]["state"] == "done"]
            if len(done) == len(items):
                break
            time.sleep(0.5)
    finally:
        desk.stop()
        zd.close()

    assert len(kills) == 2 and 0 < kills[0] < kills[1] < len(items), kills
    assert all(r.status in (200, 201) for r in results), Counter(r.status for r in results)
    retried = [r for r in results if r.attempts > 1]
    assert retried, "no client had to retry: the kills did not hit a request in flight"
    exported = desk_harness.export(url)
    ids = Counter(line["id"] for line in exported)
    assert set(ids) == {p["id"] for p in items} and max(ids.values()) == 1
    assert all(line["verified"] for line in exported)
    assert {r.id: r.body["reference"] for r in results} == {line["id"]: line["reference"] for line in exported}
    # the help desk: exactly one ticket per payload, none missing
    assert {pid: len(t) for pid, t in zd.created.items()} == {p["id"]: 1 for p in items}
    assert all(line["outbox"][0]["state"] == "done" for line in exported)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_thousand_payloads_from_fifty_clients_none_lost_none_twice(kind, tmp_path, policy, policy_file, request):
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        url = request.getfixturevalue("pg").create_db(f"load_{tmp_path.name[-20:].replace('-', '_')}")
    desk = desk_harness.DeskProcess(url, policy_file, log=tmp_path / "desk.log", args=["--rate-limit", "0"]).start()
    items = desk_harness.payloads(2000, policy)
    try:
        results = desk_harness.post_all(desk.url, items, clients=50, deadline_s=150)
    finally:
        desk.stop()
    assert Counter(r.status for r in results) == {201: len(items)}
    exported = desk_harness.export(url)
    ids = Counter(line["id"] for line in exported)
    assert set(ids) == {p["id"] for p in items} and max(ids.values()) == 1
