"""Hostile requests: each gets a 4xx with a clear message (JSON path + sentence) or is stored with
the desk's own classification, and the desk keeps answering after every one of them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from desk.storage import requests

CRLF = "line one\r\nX-Injected: yes"
HTML = '<img src=x onerror="__xss(1)"><script>__xss(2)</script>'
MB = 1_000_000

Case = Callable[[dict[str, Any]], tuple[bytes, dict[str, str]]]


def body(mutate: Callable[[dict[str, Any]], Any]) -> Case:
    """A payload changed by `mutate`, sent as JSON with its id as the key."""

    def make(p: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        p = copy.deepcopy(p)
        mutate(p)
        return json.dumps(p).encode(), {"Idempotency-Key": str(p.get("id"))}

    return make


def raw(data: bytes, **headers: str) -> Case:
    return lambda p: (data, {"Idempotency-Key": p["id"], **headers})


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def set_(p: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = p
        for k in parents:
            node = node[k]
        node[last] = value

    return set_


def nested(depth: int) -> Case:
    return lambda p: (("[" * depth + "]" * depth).encode(), {"Idempotency-Key": p["id"]})


def year(delta: int) -> Callable[[dict[str, Any]], None]:
    return lambda p: p.update(created_at=str(int(p["created_at"][:4]) + delta) + p["created_at"][4:])


# (name, request, expected status, (JSON path, words of the message) or None for "stored")
REFUSED: list[tuple[str, Case, int, tuple[str, str]]] = [
    ("not JSON", raw(b"{this is not json"), 400, ("$", "not JSON")),
    ("empty body", raw(b""), 400, ("$", "not JSON")),
    ("not UTF-8", raw(b'{"id": "\xff\xfe"}'), 400, ("$", "not UTF-8")),
    ("wrong content type", raw(b"{}", **{"Content-Type": "text/plain"}), 415, ("$", "application/json")),
    (
        "form content type",
        raw(b"a=1", **{"Content-Type": "application/x-www-form-urlencoded"}),
        415,
        ("$", "application/json"),
    ),
    ("10 MB body", raw(b"[" + b" " * (10 * MB) + b"]"), 413, ("$", "the limit is 1000000 bytes")),
    ("10,000-deep nesting", nested(10_000), 400, ("$", "nested too deeply")),
    ("40-deep nesting", nested(40), 422, ("$", "nested more than 32 levels")),
    ("top-level array", raw(b"[1, 2]"), 422, ("$", "expected a JSON object")),
    ("top-level string", raw(b'"hello"'), 422, ("$", "expected a JSON object")),
    # intake's parser refuses these (as it does 10,000-deep nesting): the desk answers 400
    (
        "NaN",
        body(put("classification.response_hours", float("nan"))),
        400,
        ("$.classification.response_hours", "not a JSON number"),
    ),
    (
        "Infinity",
        body(put("classification.response_hours", float("inf"))),
        400,
        ("$.classification.response_hours", "not a JSON number"),
    ),
    ("answers a list", body(put("answers", ["production"])), 422, ("$.answers", "expected an object")),
    ("id a number", body(put("id", 12345678)), 422, ("$.id", "does not match the Idempotency-Key")),
    ("created_at a number", body(put("created_at", 1733000000)), 422, ("$.created_at", "expected")),
    (
        "created_at without offset",
        body(put("created_at", "2026-12-01T10:00:00")),
        422,
        ("$.created_at", "wrong format"),
    ),
    ("extra top-level field", body(put("is_admin", True)), 422, ("$", "unexpected field(s): is_admin")),
    ("extra nested field", body(put("problem.priority", "P1")), 422, ("$.problem", "unexpected field(s): priority")),
    ("schema version 99", body(put("schema_version", 99)), 422, ("$.schema_version", "must be")),
    ("unknown kind", body(put("kind", "complaint")), 422, ("$.kind", "complaint")),
    (
        "unknown answer question",
        body(lambda p: p["answers"].update(be_quick="yes")),
        422,
        ("$.answers.be_quick", "unknown question"),
    ),
    (
        "answer not an option",
        body(put("answers.environment", "mars")),
        422,
        ("$.answers.environment", "is not an option"),
    ),
    (
        "description over 20,000",
        body(put("problem.description", "x" * 20_001)),
        422,
        ("$.problem.description", "too long"),
    ),
    ("CRLF in summary", body(put("problem.summary", CRLF)), 422, ("$.problem.summary", "wrong format")),
    ("CRLF in name", body(put("requester.name", CRLF)), 422, ("$.requester.name", "wrong format")),
    (
        "CRLF in organisation",
        body(put("requester.organisation", CRLF)),
        422,
        ("$.requester.organisation", "wrong format"),
    ),
    (
        "CRLF in email",
        body(put("requester.email", "a@example.com\r\nBcc: all@example.com")),
        422,
        ("$.requester.email", "wrong format"),
    ),
    (
        "CRLF in environment os",
        body(put("problem.environment.os", CRLF)),
        422,
        ("$.problem.environment.os", "wrong format"),
    ),
    ("NUL in summary", body(put("problem.summary", "scan\x00ner")), 422, ("$.problem.summary", "NUL character")),
    ("lone surrogate in description", raw(b""), 400, ("$.problem.description", "lone UTF-16 surrogate")),
    (
        "Cyrillic look-alike in id",
        lambda p: (json.dumps(dict(p, id="\u0430" + p["id"][1:])).encode(), {"Idempotency-Key": p["id"]}),
        422,
        ("$.id", "Idempotency-Key"),
    ),
    (
        "HTML in the Idempotency-Key",
        lambda p: (json.dumps(p).encode(), {"Idempotency-Key": "<script>x</script>"}),
        422,
        ("$.id", "does not match"),
    ),
    ("no Idempotency-Key", lambda p: (json.dumps(p).encode(), {}), 400, ("$", "Idempotency-Key header is missing")),
    (
        "honeypot filled",
        lambda p: (json.dumps(p).encode(), {"Idempotency-Key": p["id"], "X-KB-Honeypot": "x"}),
        422,
        ("$", "request refused"),
    ),
    (
        "information not attested",
        body(put("attestations.information_accurate", False)),
        422,
        ("$.attestations.information_accurate", "must be true"),
    ),
    (
        "partner request routed to vendor by hand",
        body(
            lambda p: (
                p["answers"].update(purchase_channel="partner", partner="contoso-docs"),
                p["classification"].update(route="vendor"),
            )
        ),
        422,
        ("$.answers", "Contoso Document Solutions"),
    ),
    (
        "too many answers",
        body(lambda p: p["answers"].update({f"q{i}": "x" for i in range(201)})),
        422,
        ("$.answers", "too long"),
    ),
    ("escalation without details", body(put("kind", "escalation")), 422, ("$", "escalation")),
]

# Stored, but with the desk's classification; `check(row, payload)` says what must hold.
STORED: list[tuple[str, Callable[[dict[str, Any]], None], Callable[[dict[str, Any], dict[str, Any]], bool]]] = [
    ("priority raised", put("classification.priority", "P1"), lambda r, p: r["verified"] is False),
    (
        "priority label changed",
        put("classification.priority_label", "Emergency"),
        lambda r, p: r["priority_label"] != "Emergency" and not r["verified"],
    ),
    (
        "response hours shortened",
        put("classification.response_hours", 0.5),
        lambda r, p: r["response_hours"] != 0.5 and not r["verified"],
    ),
    ("respond_by earlier", put("classification.respond_by", "2020-01-01T00:00:00Z"), lambda r, p: not r["verified"]),
    ("eligibility claimed", put("classification.eligibility", "eligible"), lambda r, p: r["eligibility"] == "eligible"),
    ("created_at a year in the past", year(-1), lambda r, p: not r["verified"]),
    ("created_at a year in the future", year(1), lambda r, p: not r["verified"]),
    ("HTML in summary", put("problem.summary", HTML), lambda r, p: r["summary"] == HTML),
    ("HTML in name", put("requester.name", HTML), lambda r, p: json.loads(r["body"])["requester"]["name"] == HTML),
    (
        "HTML in organisation",
        put("requester.organisation", HTML),
        lambda r, p: HTML in r["body"] or HTML in json.loads(r["body"])["requester"]["organisation"],
    ),
    (
        "HTML in description",
        put("problem.description", HTML),
        lambda r, p: json.loads(r["body"])["problem"]["description"] == HTML,
    ),
    (
        "HTML in steps",
        put("problem.steps_to_reproduce", HTML),
        lambda r, p: json.loads(r["body"])["problem"]["steps_to_reproduce"] == HTML,
    ),
    (
        "HTML in error messages",
        put("problem.error_messages", HTML),
        lambda r, p: json.loads(r["body"])["problem"]["error_messages"] == HTML,
    ),
    (
        "HTML in environment",
        put("problem.environment.browser", HTML),
        lambda r, p: json.loads(r["body"])["problem"]["environment"]["browser"] == HTML,
    ),
    (
        "CRLF in description",
        put("problem.description", CRLF),
        lambda r, p: json.loads(r["body"])["problem"]["description"] == CRLF,
    ),
    (
        "HTML in kb queries",
        put("kb_attempt.queries", [HTML]),
        lambda r, p: json.loads(r["body"])["kb_attempt"]["queries"] == [HTML],
    ),
    (
        "right-to-left override in name",
        put("requester.name", "Ana \u202etxet"),
        lambda r, p: "\u202e" in json.loads(r["body"])["requester"]["name"],
    ),
    (
        "zero-width joiner in summary",
        put("problem.summary", "Scan\u200dner"),
        lambda r, p: r["summary"] == "Scan\u200dner",
    ),
    (
        "emoji and combining marks",
        put("problem.summary", "Scanner \U0001f525 Z\u0351\u0352o"),
        lambda r, p: r["summary"].startswith("Scanner \U0001f525"),
    ),
    (
        "rules list tampered",
        put("classification.rules", ["made-up"]),
        lambda r, p: "made-up" not in r["classification"],
    ),
]


@pytest.mark.parametrize("name,case,status,expect", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused(module_desk, make_payload, name, case, status, expect):
    p = make_payload()
    if name == "lone surrogate in description":
        data = json.dumps(p).replace(json.dumps(p["problem"]["description"]), '"bad \\ud800 text"').encode()
        headers = {"Idempotency-Key": p["id"]}
    else:
        data, headers = case(p)
    res = module_desk.http.post("/api/requests", content=data, headers={"Content-Type": "application/json", **headers})
    assert res.status_code == status, res.text[:500]
    assert res.headers["content-type"] == "application/json"
    errors = res.json()["errors"]
    path, words = expect
    assert any(e["path"] == path and words in e["message"] for e in errors), errors
    assert module_desk.store.request(p["id"]) is None
    assert module_desk.http.get("/api/health").status_code == 200


@pytest.mark.parametrize("name,mutate,check", STORED, ids=[c[0] for c in STORED])
def test_stored_with_the_desks_classification(module_desk, make_payload, name, mutate, check):
    honest = make_payload(answers={"users_affected": "few"})  # P2: room to raise it
    p = copy.deepcopy(honest)
    mutate(p)
    res = module_desk.post(p)
    assert res.status_code == 201, res.text[:500]
    row = module_desk.store.request(p["id"])
    desk_classification = json.loads(row["classification"])
    for k in ("priority", "route", "eligibility", "response_hours", "rules"):
        assert desk_classification[k] == honest["classification"][k]
    assert res.json()["priority"] == honest["classification"]["priority"]
    assert check(row, p)
    assert module_desk.http.get("/api/health").status_code == 200


def test_replayed_id_with_a_different_body_is_refused(module_desk, make_payload):
    p = make_payload()
    assert module_desk.post(p).status_code == 201
    for change in (
        put("problem.summary", "changed"),
        put("classification.priority", "P4"),
        put("answers.users_affected", "few"),
    ):
        q = copy.deepcopy(p)
        change(q)
        res = module_desk.post(q)
        assert res.status_code == 409 and res.json()["errors"][0]["path"] == "$.id"
    assert json.loads(module_desk.store.request(p["id"])["body"]) == p


def test_ten_megabytes_without_a_content_length_are_cut_off(module_desk, make_payload):
    def chunks():
        yield b"["
        for _ in range(10 * 16):
            yield b" " * 65536
        yield b"]"

    p = make_payload()
    res = module_desk.http.post(
        "/api/requests", content=chunks(), headers={"Content-Type": "application/json", "Idempotency-Key": p["id"]}
    )
    assert res.status_code == 413 and "the limit is" in res.json()["errors"][0]["message"]


def test_every_hostile_request_was_tried(module_desk):
    assert len(REFUSED) + len(STORED) + 2 >= 40
    assert module_desk.http.get("/api/health").status_code == 200
    assert module_desk.store.table_rows(requests) != []
