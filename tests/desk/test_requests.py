"""POST /api/requests and GET /api/requests/{reference}: the wire contract with the wizard."""

from __future__ import annotations

import copy
import json

import sqlalchemy as sa

from desk.storage import counters, requests
from intake.reference import reference_for

CONTRACT = {
    "reference",
    "id",
    "priority",
    "priority_label",
    "response_hours",
    "respond_by",
    "route",
    "eligibility",
    "verified",
}


def test_new_request_is_stored_reclassified_and_answered(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    res = desk.post(p)
    assert res.status_code == 201, res.text
    body = res.json()
    assert set(body) == CONTRACT
    assert body["reference"] == reference_for(p["id"]) and body["id"] == p["id"]
    assert body["verified"] is True
    assert (body["priority"], body["route"], body["eligibility"]) == ("P1", "vendor", "eligible")
    row = desk.store.request(p["id"])
    assert json.loads(row["body"]) == p  # verbatim
    assert row["respond_by_text"] == body["respond_by"] and row["verified"] is True
    assert [e["type"] for e in desk.store.events(p["id"])] == ["received", "verified"]


def test_same_id_again_answers_200_with_the_same_body_and_stores_nothing(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    first = desk.post(p)
    # the same JSON value with other key order and spacing is the same body
    again = desk.http.post(
        "/api/requests",
        content=json.dumps(p, indent=3, sort_keys=True),
        headers={"Content-Type": "application/json", "Idempotency-Key": p["id"]},
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(desk.store.table_rows(requests)) == 1
    assert len(desk.store.events(p["id"])) == 2


def test_same_id_with_a_different_body_is_refused_409_not_merged(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    desk.post(p)
    changed = copy.deepcopy(p)
    changed["problem"]["summary"] = "Something else entirely"
    res = desk.post(changed)
    assert res.status_code == 409
    assert "already received with a different body" in res.json()["errors"][0]["message"]
    assert json.loads(desk.store.request(p["id"])["body"])["problem"]["summary"] == p["problem"]["summary"]


def test_raised_priority_is_stored_with_the_desks_priority_and_not_verified(db_url, serve_desk, make_payload, policy):
    desk = serve_desk(db_url)
    honest = make_payload()
    p = copy.deepcopy(honest)
    p["answers"]["users_affected"] = "few"  # the answers give P2 ...
    p["classification"]["priority"] = "P1"  # ... the page claims P1
    res = desk.post(p)
    assert res.status_code == 201, res.text
    assert res.json()["priority"] == "P2" and res.json()["verified"] is False
    row = desk.store.request(p["id"])
    diffs = json.loads(row["differences"])
    assert {"field": "classification.priority", "client": "P1", "desk": "P2", "basis": "at created_at"} in diffs
    assert row["priority"] == "P2" and row["verified"] is False


def test_created_at_a_year_away_is_stored_with_the_desks_time_and_flagged(serve_desk, tmp_path, make_payload, policy):
    desk = serve_desk(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    from desk.migrations import upgrade

    upgrade(desk.store.url)
    for year in (-1, 1):
        p = make_payload()
        at = p["created_at"]
        p["created_at"] = str(int(at[:4]) + year) + at[4:]
        res = desk.post(p)
        assert res.status_code == 201, res.text
        assert res.json()["verified"] is False
        fields = [d["field"] for d in json.loads(desk.store.request(p["id"])["differences"])]
        assert "created_at" in fields


def test_partner_request_is_refused_with_the_partners_name(db_url, serve_desk, make_payload, policy):
    desk = serve_desk(db_url)
    p = make_payload()
    answers = dict(p["answers"], purchase_channel="partner", partner="northwind-imaging")
    p = make_payload(answers=answers)
    res = desk.post(p)
    assert res.status_code == 422
    msg = res.json()["errors"][0]["message"]
    assert "Northwind Imaging" in msg and "does not take it" in msg
    assert desk.store.request(p["id"]) is None


def test_a_partner_not_listed_is_kept_with_no_clock_for_staff_to_name_the_partner(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    p = make_payload(answers=dict(p["answers"], purchase_channel="partner", partner="unlisted"))
    res = desk.post(p)
    assert res.status_code == 201, res.text
    body = res.json()
    assert (body["route"], body["respond_by"], body["response_hours"]) == ("unlisted", None, None)
    assert desk.store.request(p["id"]) is not None


def test_honeypot_is_refused_not_stored_and_counted(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    res = desk.post(p, **{"X-KB-Honeypot": "http://spam.example"})
    assert res.status_code == 422
    assert res.json() == {"errors": [{"path": "$", "message": "request refused"}]}
    assert desk.store.request(p["id"]) is None
    assert desk.store.counter_totals() == {"refused_honeypot": 1}
    assert desk.post(p, **{"X-KB-Honeypot": ""}).status_code == 201  # empty: a person


def test_idempotency_key_is_required_and_must_equal_the_id(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    missing = desk.post(p, key=None)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["errors"][0]["message"]
    other = desk.post(p, key="another-id-123")
    assert other.status_code == 422 and other.json()["errors"][0]["path"] == "$.id"
    assert desk.store.table_rows(requests) == []


def test_status_by_reference_tells_no_requester_details(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    p = make_payload()
    ref = desk.post(p).json()["reference"]
    res = desk.http.get(f"/api/requests/{ref.lower().replace('-', ' ')}")  # as a person types it
    assert res.status_code == 200
    assert set(res.json()) == {"reference", "id", "priority", "respond_by", "state"}
    text = res.text
    for secret in (p["requester"]["name"], p["requester"]["email"], p["problem"]["description"]):
        assert secret not in text
    assert desk.http.get("/api/requests/0000-0000").status_code == 404
    assert desk.http.get("/api/requests/not-a-reference").json()["errors"][0]["path"] == "$.reference"


def test_escalation_of_a_known_request_is_linked_to_it(db_url, serve_desk, make_payload, policy):
    desk = serve_desk(db_url)
    original = make_payload()
    ref = desk.post(original).json()["reference"]
    esc = make_payload(
        kind="escalation",
        escalation={"request_id": ref, "reason": "raise_priority", "justification": "Now every user is affected."},
    )
    res = desk.post(esc)
    assert res.status_code == 201, res.text
    assert desk.store.request(esc["id"])["parent_id"] == original["id"]
    assert desk.store.events(original["id"])[-1]["type"] == "escalated"


def test_rate_limit_answers_429_with_retry_after(tmp_path, serve_desk, make_payload):
    from desk.config import Limits
    from desk.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    desk = serve_desk(url, limits=Limits(rate=6, burst=3))
    statuses = [desk.post(make_payload()).status_code for _ in range(5)]
    assert statuses[:3] == [201, 201, 201] and statuses[3:] == [429, 429]
    res = desk.post(make_payload())
    assert int(res.headers["Retry-After"]) >= 1 and "too many requests" in res.json()["errors"][0]["message"]
    assert desk.http.get("/api/requests/0000-0000").status_code == 429  # nor guessing references


def test_votes_and_deflections_are_stored_unknown_articles_flagged(db_url, serve_desk):
    desk = serve_desk(db_url)
    ts = "2026-12-01T10:00:00.000Z"
    assert (
        desk.post(
            {"article_id": "scanner-not-detected", "helpful": True, "ts": ts}, key=None, path="/api/feedback"
        ).status_code
        == 204
    )
    assert (
        desk.post(
            {"article_id": "no-such-article", "helpful": False, "ts": ts}, key=None, path="/api/feedback"
        ).status_code
        == 204
    )
    assert (
        desk.post(
            {"article_id": "scanner-not-detected", "ts": ts, "query": "scanner"}, key=None, path="/api/deflections"
        ).status_code
        == 204
    )
    bad = desk.post({"article_id": "x", "helpful": "yes", "ts": ts}, key=None, path="/api/feedback")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "$.helpful"
    with desk.store.engine.connect() as conn:
        votes = conn.execute(sa.text("SELECT article_id, helpful, article_known FROM votes ORDER BY id")).all()
        defl = conn.execute(sa.text("SELECT article_id, query, article_known FROM deflections")).all()
    assert [tuple(v) for v in votes] == [("scanner-not-detected", True, True), ("no-such-article", False, False)]
    assert [tuple(d) for d in defl] == [("scanner-not-detected", "scanner", True)]


def test_health_is_503_when_the_database_is_unreachable(serve_desk, pg, db_url, make_payload):
    desk = serve_desk(db_url)
    assert desk.http.get("/api/health").json() == {"status": "ok", "database": "reachable"}
    dead = serve_desk(f"postgresql://desk@127.0.0.1:{pg.port}/no_such_database_here")
    res = dead.http.get("/api/health")
    assert res.status_code == 503 and res.json()["errors"][0]["message"] == "the database is not reachable"


def test_cors_allows_only_the_site_origin(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key,x-kb-honeypot",
    }
    ok = desk.http.options("/api/requests", headers={"Origin": "http://127.0.0.1:8000", **ask})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    evil = desk.http.options("/api/requests", headers={"Origin": "https://evil.example", **ask})
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
    assert evil.json()["errors"][0]["message"].startswith("origin https://evil.example")
    posted = desk.post(make_payload(), Origin="https://evil.example")
    assert "access-control-allow-origin" not in posted.headers
    posted = desk.post(make_payload(), Origin="http://127.0.0.1:8000")
    assert posted.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"


def test_refused_requests_leave_counters_alone_except_bots(db_url, serve_desk, make_payload):
    desk = serve_desk(db_url)
    desk.post(b"not json", key="abcdefgh-1")
    assert desk.store.table_rows(counters) == []
