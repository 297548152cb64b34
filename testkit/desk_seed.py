"""A seeded desk database for the staff screens' tests and screenshots.

`seed(url, policy, ...)` stores requests as the desk would have received them at chosen
moments (the desk's own `Receiver` with a fixed clock: the same checks, classification and
rows as over HTTP), then votes, deflections and acknowledgements. Everything is reproducible:
`Seeded.now` is the moment the queue should be looked at.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from desk import config
from desk.errors import Refused
from desk.migrations import upgrade
from desk.receive import Receiver
from desk.staff.accounts import Accounts
from desk.staff.queue import acknowledge
from desk.storage import Store
from intake import engine
from intake.errors import KbError
from intake.payload import build

PACIFIC = dt.timezone(dt.timedelta(hours=-8))
STAFF = ("sam", "correct horse battery")


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


@dataclass
class Seeded:
    url: str
    now: dt.datetime  # look at the queue at this moment
    ids: dict[str, str] = field(default_factory=dict)  # name -> payload id
    references: dict[str, str] = field(default_factory=dict)  # name -> reference
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    received: dict[str, str] = field(default_factory=dict)  # name -> ISO receipt time
    summaries: dict[str, str] = field(default_factory=dict)  # name -> summary stored (hostile requests)


def vendor_variants(policy: dict[str, Any], at: str = "2026-03-09T09:00:00-07:00") -> dict[str, dict[str, str]]:
    """One answer set per priority that the desk takes (vendor route, eligible, a clock): the golden
    examples' answers, each changed in one answer at a time, classified by the engine."""
    out: dict[str, dict[str, str]] = {}
    for ex in policy["examples"]:
        base = {k: v for k, v in ex["answers"].items() if v is not None}
        tries = [base] + [
            {**base, q["id"]: o["value"]}
            for q in policy["questions"]
            if q["id"] in base
            for o in engine.options_for(q, base)
        ]
        for answers in tries:
            try:
                c = engine.classify(policy, answers, at)
            except KbError:
                continue
            if c["route"] == policy["vendor"]["id"] and c["eligibility"] == "eligible" and c["respond_by"]:
                out.setdefault(c["priority"], answers)
    return out


def receive(
    store: Store,
    settings: config.Settings,
    policy: dict[str, Any],
    at: dt.datetime,
    answers: dict[str, str],
    **parts: Any,
) -> dict[str, Any]:
    """Store one request as received at `at`; returns the desk's answer body."""
    created = at.astimezone(PACIFIC).isoformat(timespec="seconds")
    attempt = parts.pop("kb_attempt", None)
    tamper = parts.pop("tamper", None)  # classification fields the page "changed" (an unverified request)
    payload = build(policy, answers, created, id=str(uuid.uuid4()), **parts)
    if attempt is not None:
        payload["kb_attempt"] = attempt
    if tamper:
        payload["classification"].update(tamper)
    return _receiver(store, settings, policy, at).request(json.dumps(payload).encode(), payload["id"], None).body or {}


def _receiver(store: Store, settings: config.Settings, policy: dict[str, Any], at: dt.datetime) -> Receiver:
    return Receiver(settings, store, policy, None, clock=lambda: at)


def seed(url: str, policy: dict[str, Any], hostile: list[str] | None = None) -> Seeded:
    """Requests received around a Friday evening and the March DST change of 2026 (Pacific).

    Looked at on Monday 2026-03-09 10:30 PDT: the Friday-evening P1 is overdue, the Monday
    ones are counting down, one was acknowledged in time and one late; votes and deflections
    for the report. `hostile` texts go into every text field of extra requests.
    """
    upgrade(url)
    store = Store(url)
    settings = config.load(url)
    variants = vendor_variants(policy)
    p1 = variants["P1"]
    p2, low = variants.get("P2", p1), variants.get("P3", variants.get("P4", p1))
    s = Seeded(url, instant("2026-03-09T10:30:00-07:00"))
    plan = [
        ("friday-evening-p1", p1, "2026-03-06T16:30:00-08:00", "Scanner stops every batch"),
        ("friday-low", low, "2026-03-06T11:00:00-08:00", "Question about export formats"),
        ("monday-p1", p1, "2026-03-09T09:45:00-07:00", "Server down after update"),
        ("monday-p2", p2, "2026-03-09T08:15:00-07:00", "Slow indexing on one workstation"),
        ("thursday-p2", p2, "2026-03-05T09:00:00-08:00", "OCR misses a column"),
        ("last-week-p1", p1, "2026-02-25T10:00:00-08:00", "Licence server unreachable"),
    ]
    attempt = {
        "queries": ["scanner batch stops", "error 42"],
        "suggested": ["scanner-not-detected"],
        "opened": ["scanner-not-detected", "batch-scanning-basics"],
        "helped": False,
    }
    for name, answers, at, summary in plan:
        body = receive(store, settings, policy, instant(at), answers, problem={"summary": summary}, kb_attempt=attempt)
        s.ids[name], s.references[name] = body["id"], body["reference"]
        s.answers[name], s.received[name] = answers, at
    accounts = Accounts(store)
    accounts.add_user(*STAFF)
    # one answered in time, one late (both counted in the report's attainment)
    acknowledge(store, policy, s.references["thursday-p2"], STAFF[0], instant("2026-03-05T10:00:00-08:00"))
    acknowledge(store, policy, s.references["last-week-p1"], STAFF[0], instant("2026-02-26T10:00:00-08:00"))
    votes = (
        [("scanner-not-detected", False)] * 5
        + [("scanner-not-detected", True)] * 2
        + [("batch-scanning-basics", True)] * 4
        + [("batch-scanning-basics", False)]
    )
    for i, (article, helpful) in enumerate(votes):
        store.add_vote(article, helpful, f"2026-03-0{1 + i % 8}T12:00:00Z", True)
    for article in ("batch-scanning-basics", "batch-scanning-basics", "reset-password"):
        store.add_deflection(article, "2026-03-04T12:00:00Z", "batch", True)
    receiver = _receiver(store, settings, policy, s.now)
    for i, text in enumerate(hostile or []):
        _hostile_request(store, settings, policy, low, text, i, s)
        # votes and deflections through the desk's own checks (text it refuses is not stored)
        for send, body in (
            (receiver.feedback, {"article_id": text[:200], "helpful": False, "ts": "2026-03-04T12:00:00Z"}),
            (receiver.deflection, {"article_id": text[:200], "ts": "2026-03-04T12:00:00Z", "query": text[:200]}),
        ):
            try:
                send(json.dumps(body).encode())
            except Refused:
                pass
    store.close()
    return s


def _hostile_request(
    store: Store,
    settings: config.Settings,
    policy: dict[str, Any],
    answers: dict[str, str],
    text: str,
    i: int,
    s: Seeded,
) -> None:
    """`text` in every text field the schema lets it into (a field it may not enter keeps a plain value)."""
    one_line = not any(c in text for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # the schema's line breaks
    line = text if one_line and 0 < len(text) <= 200 and text.strip() else f"hostile {i}"
    long = text[:20000]  # the schema's limit for the multi-line fields
    problem = {
        "summary": line,
        "description": long if long.strip() else "blank",
        "steps_to_reproduce": long,
        "error_messages": long,
        "environment": {"os": line, "database": line, "application_server": line, "browser": line},
    }
    requester = {"name": line, "organisation": line}
    attempt = {"queries": [text[:200]], "suggested": [text[:200] or "x"], "opened": [text[:200] or "x"], "helped": None}
    at = instant("2026-03-09T08:00:00-07:00") + dt.timedelta(minutes=i)
    try:
        body = receive(store, settings, policy, at, answers, problem=problem, requester=requester, kb_attempt=attempt)
    except Refused:  # text the desk refuses (NUL, lone surrogate): nothing stored, nothing to show
        return
    s.references[f"hostile-{i}"] = body["reference"]
    s.summaries[f"hostile-{i}"] = line
