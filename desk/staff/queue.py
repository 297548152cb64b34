"""The queue, a request's page and "Acknowledged": data for the templates, no markup.

Ordered by `respond_by` (requests without a response clock last). The time left is support
time from `intake.business_seconds` (the wizard's engine and compiled calendar), never wall-
clock time: a request due Monday 09:00 that is looked at on Friday at 17:00 has 1 h left.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

import intake
from intake import engine
from intake.errors import CalendarRangeError

from ..storage import Store, events, requests, utc

STATUSES = ("open", "acknowledged", "all")
STATES = ("received", "forwarded", "forward_failed", "dead_letter")
LIMIT = 500


@dataclass(frozen=True)
class Filters:
    priority: str = ""
    product: str = ""
    eligibility: str = ""
    state: str = ""  # forwarding state; "" = any
    status: str = "open"  # open (not acknowledged) | acknowledged | all

    @classmethod
    def from_query(cls, query: dict[str, str]) -> Filters:
        status = query.get("status", "open")
        return cls(
            priority=query.get("priority", "")[:10],
            product=query.get("product", "")[:100],
            eligibility=query.get("eligibility", "")[:30],
            state=query.get("state", "")[:30],
            status=status if status in STATUSES else "open",
        )

    def active(self) -> bool:
        return any((self.priority, self.product, self.eligibility, self.state)) or self.status != "open"


@dataclass
class Clock:
    """A request's response clock as staff read it."""

    left_s: int | None  # support seconds left (negative: overdue); None without a clock
    text: str
    overdue: bool = False


@dataclass
class QueueRow:
    id: str
    reference: str
    priority: str
    priority_label: str
    product: str
    version: str
    route: str
    eligibility: str
    verified: bool
    state: str
    summary: str
    received: str
    respond_by: str
    clock: Clock
    acknowledged: str = ""
    met: bool | None = None


@dataclass
class Options:
    priorities: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    eligibilities: list[str] = field(default_factory=list)
    states: tuple[str, ...] = STATES
    statuses: tuple[str, ...] = STATUSES


def duration(seconds: int) -> str:
    """Support time as people say it: '1 h 20 min', '45 min', 'less than 1 min'."""
    minutes = abs(seconds) // 60
    if minutes == 0:
        return "less than 1 min"
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h else f"{m} min"


def clock_of(policy: dict[str, Any], row: dict[str, Any], at: dt.datetime) -> Clock:
    respond_by = utc(row["respond_by"])
    if respond_by is None:
        return Clock(None, "no response clock")
    end = row["acknowledged_at"] and utc(row["acknowledged_at"])
    try:
        if end:  # answered: how early or late, in support time
            used = intake.business_seconds(end, respond_by, policy)
            return Clock(
                used,
                ("met, " + duration(used) + " to spare") if used >= 0 else f"late by {duration(used)} of support time",
                overdue=used < 0,
            )
        left = intake.business_seconds(at, respond_by, policy)
    except CalendarRangeError:
        return Clock(None, "unknown: outside the compiled support calendar (update the desk's policy)")
    if left > 0:
        return Clock(left, f"{duration(left)} of support time left")
    if left == 0 and at <= respond_by:
        return Clock(0, "due now")
    return Clock(left, f"overdue by {duration(left)} of support time", overdue=True)


def local(policy: dict[str, Any], when: dt.datetime | None) -> str:
    """A stored instant in the calendar's zone ('Fri 2026-03-06 17:30'), as the policy states times."""
    if when is None:
        return ""
    t = int(utc(when).timestamp())  # type: ignore[union-attr]
    try:
        return engine.local_text(policy, t)
    except (IndexError, KeyError):
        return utc(when).isoformat(timespec="minutes")  # type: ignore[union-attr]


def _where(f: Filters) -> list[Any]:
    conds: list[Any] = []
    for column, value in (
        (requests.c.priority, f.priority),
        (requests.c.product, f.product),
        (requests.c.eligibility, f.eligibility),
        (requests.c.state, f.state),
    ):
        if value:
            conds.append(column == value)
    if f.status == "open":
        conds.append(requests.c.acknowledged_at.is_(None))
    elif f.status == "acknowledged":
        conds.append(requests.c.acknowledged_at.is_not(None))
    return conds


def queue(store: Store, policy: dict[str, Any], f: Filters, at: dt.datetime) -> tuple[list[QueueRow], int]:
    """(rows in respond_by order, how many match in all)."""
    cols = [c for c in requests.c if c.name not in ("body", "classification", "response", "differences")]
    q = (
        sa.select(*cols)
        .where(*_where(f))
        .order_by(requests.c.respond_by.asc().nulls_last(), requests.c.received_at, requests.c.id)
        .limit(LIMIT)
    )
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
        total = conn.execute(sa.select(sa.func.count()).select_from(requests).where(*_where(f))).scalar_one()
    return [_row(policy, r, at) for r in rows], int(total)


def _row(policy: dict[str, Any], r: dict[str, Any], at: dt.datetime) -> QueueRow:
    return QueueRow(
        id=r["id"],
        reference=r["reference"],
        priority=r["priority"],
        priority_label=r["priority_label"],
        product=r["product"] or "",
        version=r["product_version"] or "",
        route=r["route"],
        eligibility=r["eligibility"],
        verified=bool(r["verified"]),
        state=r["state"],
        summary=r["summary"],
        received=local(policy, r["received_at"]),
        respond_by=local(policy, r["respond_by"]),
        clock=clock_of(policy, r, at),
        acknowledged=local(policy, r["acknowledged_at"]),
        met=r["met"],
    )


def options(store: Store, policy: dict[str, Any]) -> Options:
    with store.engine.connect() as conn:
        products = (
            conn.execute(
                sa.select(requests.c.product)
                .where(requests.c.product.is_not(None))
                .distinct()
                .order_by(requests.c.product)
            )
            .scalars()
            .all()
        )
    return Options(
        priorities=[p["id"] for p in policy["priorities"]],
        products=list(products),
        eligibilities=list(policy["eligibility"]["order"]),
    )


# ----- one request ----------------------------------------------------------------------------------
@dataclass
class Detail:
    row: QueueRow
    payload: dict[str, Any]
    classification: dict[str, Any]
    differences: list[dict[str, Any]]
    events: list[dict[str, Any]]
    parent: dict[str, str] | None
    children: list[dict[str, str]]
    acknowledged_by: str | None
    answers: list[tuple[str, str]]  # (question, the chosen option's label) in asking order


def answers_shown(policy: dict[str, Any], answers: Any) -> list[tuple[str, str]]:
    """Each answer as staff read it: the question's text and the option's label (raw value if unknown)."""
    if not isinstance(answers, dict):
        return []
    out, asked = [], set()
    for q in policy["questions"]:
        if q["id"] not in answers:
            continue
        asked.add(q["id"])
        value = answers[q["id"]]
        label = next((o["label"] for o in engine.options_for(q, answers) if o["value"] == value), None)
        out.append((q["text"], label or ("not asked" if value is None else str(value))))
    out += [(k, str(v)) for k, v in answers.items() if k not in asked]
    return out


def detail(store: Store, policy: dict[str, Any], reference: str, at: dt.datetime) -> Detail | None:
    row = store.request_by_reference(reference)
    if row is None:
        return None
    with store.engine.connect() as conn:
        kids = conn.execute(
            sa.select(requests.c.reference, requests.c.summary)
            .where(requests.c.parent_id == row["id"])
            .order_by(requests.c.received_at)
        ).all()
        parent = None
        if row["parent_id"]:
            p = conn.execute(
                sa.select(requests.c.reference, requests.c.summary).where(requests.c.id == row["parent_id"])
            ).first()
            parent = {"reference": p.reference, "summary": p.summary} if p else None
    evs = [dict(e, at=local(policy, dt.datetime.fromisoformat(e["at"]))) for e in store.events(row["id"])]
    return Detail(
        row=_row(policy, row, at),
        payload=json.loads(row["body"]),
        classification=json.loads(row["classification"]),
        differences=json.loads(row["differences"]),
        events=evs,
        parent=parent,
        children=[{"reference": k.reference, "summary": k.summary} for k in kids],
        acknowledged_by=row["acknowledged_by"],
        answers=answers_shown(policy, json.loads(row["body"]).get("answers")),
    )


def acknowledge(store: Store, policy: dict[str, Any], reference: str, user: str, at: dt.datetime) -> tuple[bool, str]:
    """Record the first response: when, by whom, and whether `respond_by` was met. Once only."""
    row = store.request_by_reference(reference)
    if row is None:
        return False, f"No request {reference} at this desk."
    respond_by = utc(row["respond_by"])
    met = None if respond_by is None else at <= respond_by
    detail_: dict[str, Any] = {"by": user, "met": met}
    if respond_by is not None:
        try:
            detail_["support_seconds_to_spare"] = intake.business_seconds(at, respond_by, policy)
        except CalendarRangeError:
            pass
    with store.write() as conn:
        done = conn.execute(
            sa.update(requests)
            .where(requests.c.id == row["id"], requests.c.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=user, met=met)
        ).rowcount
        if done:
            conn.execute(
                sa.insert(events).values(
                    request_id=row["id"], at=at, type="acknowledged", detail=json.dumps(detail_, ensure_ascii=False)
                )
            )
    if not done:
        return False, f"{reference} was already acknowledged."
    if met is None:
        return True, f"{reference} acknowledged (no response clock applies)."
    return True, f"{reference} acknowledged: the commitment was {'met' if met else 'missed'}."
