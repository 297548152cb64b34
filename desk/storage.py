"""The desk's database: tables (SQLAlchemy 2 Core) and every query the desk runs.

One schema for SQLite (the embedded default: one file, WAL) and PostgreSQL; the tables are
created and changed only by the Alembic migrations in `desk/migrations/` (the declarations
here must match the latest migration, which a test checks). Requests are stored verbatim
next to parsed columns; every state change is an appended row in `events`; the outbox rows
are written in the same transaction as the request they forward. Staff screens and reports
(issue 11) read these tables; nothing here decides a priority.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .config import normalize_db_url

metadata = sa.MetaData()
TZ = sa.DateTime(timezone=True)

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # the payload id (= Idempotency-Key)
    sa.Column("reference", sa.String(9), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("parent_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=True),  # escalation of
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),  # the client's claim, as sent
    sa.Column("body", sa.Text, nullable=False),  # the payload, verbatim
    sa.Column("body_sha256", sa.String(64), nullable=False),  # of the canonical JSON: replay check
    sa.Column("policy_version", sa.String(50), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("priority_label", sa.String(200), nullable=False),
    sa.Column("response_hours", sa.Float, nullable=True),
    sa.Column("respond_by", TZ, nullable=True),  # the staff queue's order
    sa.Column("respond_by_text", sa.String(40), nullable=True),  # as answered, with the policy's offset
    sa.Column("route", sa.String(100), nullable=False),
    sa.Column("eligibility", sa.String(30), nullable=False),
    sa.Column("summary", sa.String(200), nullable=False),
    sa.Column("requester_email", sa.String(254), nullable=False),
    sa.Column("classification", sa.Text, nullable=False),  # JSON: the desk's, which wins
    sa.Column("differences", sa.Text, nullable=False),  # JSON: client vs desk, for staff
    sa.Column("verified", sa.Boolean, nullable=False),
    sa.Column("state", sa.String(30), nullable=False),
    sa.Column("response", sa.Text, nullable=False),  # JSON answered with 201, replayed with 200
    sa.Column("product", sa.String(100), nullable=True),  # from the payload (staff filters, reports)
    sa.Column("product_version", sa.String(50), nullable=True),
    sa.Column("acknowledged_at", TZ, nullable=True),  # the first response (staff "Acknowledged")
    sa.Column("acknowledged_by", sa.String(100), nullable=True),
    sa.Column("met", sa.Boolean, nullable=True),  # acknowledged by respond_by? None: no clock
    sa.UniqueConstraint("reference", name="uq_requests_reference"),
    sa.Index("ix_requests_queue", "state", "respond_by"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("at", TZ, nullable=False),
    sa.Column("type", sa.String(30), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Index("ix_events_request", "request_id", "id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("target", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),  # pending | done | dead
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", TZ, nullable=False),
    sa.Column("locked_until", TZ, nullable=True),  # a worker's lease on the row
    sa.Column("remote_id", sa.String(100), nullable=True),  # ticket id / issue key / Message-ID
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("updated_at", TZ, nullable=False),
    sa.UniqueConstraint("request_id", "target", name="uq_outbox_request_target"),
    sa.Index("ix_outbox_due", "state", "next_attempt_at"),
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("ts", sa.String(40), nullable=False),  # the browser's time, as sent
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("article_known", sa.Boolean, nullable=True),  # None: the desk has no article list
    sa.Index("ix_votes_article", "article_id"),
)

deflections = sa.Table(
    "deflections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(200), nullable=False),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("query", sa.String(200), nullable=True),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("article_known", sa.Boolean, nullable=True),
    sa.Index("ix_deflections_article", "article_id"),
)

counters = sa.Table(
    "counters",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

# ----- staff (revision 0002) ------------------------------------------------------------------------
staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id, with its parameters
    sa.Column("created_at", TZ, nullable=False),
    sa.UniqueConstraint("name", name="uq_staff_users_name"),
)

staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),  # the cookie holds the token itself
    sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),  # every form of this session carries it
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
)

sign_in_failures = sa.Table(
    "sign_in_failures",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),  # as typed (lower case): known or not
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", TZ, nullable=False),
)

read_tokens = sa.Table(
    "read_tokens",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),  # for `kb lint --feedback URL`
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def make_engine(url: str) -> Engine:
    url = normalize_db_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: readers never wait for the writer; FULL: a 201 means the row survives a
            # power cut, not only a killed process.
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Store:
    """The queries; one per process. SQLite has one writer: writes take a process lock."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.url = url
        self.engine = engine or make_engine(url)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction (serialised in this process on SQLite)."""
        if self.sqlite:
            with self._write_lock, self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.begin() as conn:
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    # ----- health ----------------------------------------------------------------------------
    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.select(sa.func.count()).select_from(requests).limit(1))

    # ----- requests ------------------------------------------------------------------------------
    def request(self, request_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(requests).where(requests.c.id == request_id)).mappings().first()
        return dict(row) if row else None

    def request_by_reference(self, reference: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(requests).where(requests.c.reference == reference)).mappings().first()
        return dict(row) if row else None

    def insert_request(
        self,
        row: dict[str, Any],
        new_events: list[tuple[str, dict[str, Any]]],
        forward_to: str | None,
        parent_event: tuple[str, dict[str, Any]] | None = None,
    ) -> bool:
        """Store a request, its first events and its outbox row in one transaction.

        False when the id or the reference is already taken (the caller looks at which).
        """
        at = row["received_at"]
        try:
            with self.write() as conn:
                conn.execute(sa.insert(requests).values(**row))
                for kind, detail in new_events:
                    _event(conn, row["id"], at, kind, detail)
                if parent_event and row.get("parent_id"):
                    _event(conn, row["parent_id"], at, *parent_event)
                if forward_to:
                    conn.execute(
                        sa.insert(outbox).values(
                            request_id=row["id"],
                            target=forward_to,
                            state="pending",
                            attempts=0,
                            next_attempt_at=at,
                            updated_at=at,
                        )
                    )
        except sa.exc.IntegrityError:
            return False
        return True

    def events(self, request_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = (
                conn.execute(sa.select(events).where(events.c.request_id == request_id).order_by(events.c.id))
                .mappings()
                .all()
            )
        return [_event_out(r) for r in rows]

    def export(self, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every stored request with its events and outbox rows, oldest first (for backups)."""
        last: tuple[dt.datetime, str] | None = None
        with self.engine.connect() as conn:
            while True:
                q = sa.select(requests).order_by(requests.c.received_at, requests.c.id).limit(batch)
                if last is not None:
                    q = q.where(sa.tuple_(requests.c.received_at, requests.c.id) > sa.tuple_(*last))
                rows = [dict(r) for r in conn.execute(q).mappings()]
                if not rows:
                    return
                ids = [r["id"] for r in rows]
                evs: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
                for e in conn.execute(
                    sa.select(events).where(events.c.request_id.in_(ids)).order_by(events.c.id)
                ).mappings():
                    evs[e["request_id"]].append(_event_out(e))
                box: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
                for o in conn.execute(
                    sa.select(outbox).where(outbox.c.request_id.in_(ids)).order_by(outbox.c.id)
                ).mappings():
                    box[o["request_id"]].append(_outbox_out(o))
                for r in rows:
                    yield {"request": r, "events": evs[r["id"]], "outbox": box[r["id"]]}
                last = (rows[-1]["received_at"], rows[-1]["id"])

    # ----- votes, deflections, counters -------------------------------------------------------------
    def add_vote(self, article_id: str, helpful: bool, ts: str, known: bool | None) -> None:
        with self.write() as conn:
            conn.execute(
                sa.insert(votes).values(
                    article_id=article_id, helpful=helpful, ts=ts, received_at=now(), article_known=known
                )
            )

    def add_deflection(self, article_id: str, ts: str, query: str | None, known: bool | None) -> None:
        with self.write() as conn:
            conn.execute(
                sa.insert(deflections).values(
                    article_id=article_id, ts=ts, query=query, received_at=now(), article_known=known
                )
            )

    def count(self, name: str) -> None:
        """Add one to today's counter `name` (refused bots, rate-limited clients, ...)."""
        day = now().date().isoformat()
        with self.write() as conn:
            done = conn.execute(
                sa.update(counters)
                .where(counters.c.day == day, counters.c.name == name)
                .values(count=counters.c.count + 1)
            ).rowcount
            if not done:
                try:
                    with conn.begin_nested():
                        conn.execute(sa.insert(counters).values(day=day, name=name, count=1))
                except sa.exc.IntegrityError:  # another process inserted it first
                    conn.execute(
                        sa.update(counters)
                        .where(counters.c.day == day, counters.c.name == name)
                        .values(count=counters.c.count + 1)
                    )

    def counter_totals(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(counters.c.name, sa.func.sum(counters.c.count)).group_by(counters.c.name)
            ).all()
        return {name: int(total) for name, total in rows}

    def table_rows(self, table: sa.Table) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(table)).mappings()]

    # ----- outbox ------------------------------------------------------------------------------------
    def claim_due(self, lease_s: float, limit: int) -> list[dict[str, Any]]:
        """Take up to `limit` due outbox rows for `lease_s` seconds; each claim counts as an attempt.

        A row whose worker died (SIGKILL mid-forward) becomes due again when its lease ends;
        `attempts` tells the forwarder a previous attempt may have reached the help desk.
        """
        t = now()
        until = t + dt.timedelta(seconds=lease_s)
        free = sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < t)
        with self.engine.connect() as conn:
            ids = (
                conn.execute(
                    sa.select(outbox.c.id)
                    .where(outbox.c.state == "pending", outbox.c.next_attempt_at <= t, free)
                    .order_by(outbox.c.next_attempt_at)
                    .limit(limit)
                )
                .scalars()
                .all()
            )
        claimed = []
        for oid in ids:
            with self.write() as conn:
                got = conn.execute(
                    sa.update(outbox)
                    .where(outbox.c.id == oid, outbox.c.state == "pending", free)
                    .values(locked_until=until, attempts=outbox.c.attempts + 1, updated_at=t)
                ).rowcount
                if got:
                    row = conn.execute(sa.select(outbox).where(outbox.c.id == oid)).mappings().one()
                    claimed.append(dict(row))
        return claimed

    def forwarded(self, row: dict[str, Any], remote_id: str, found: bool) -> None:
        t = now()
        with self.write() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id == row["id"])
                .values(state="done", remote_id=remote_id, locked_until=None, last_error=None, updated_at=t)
            )
            conn.execute(sa.update(requests).where(requests.c.id == row["request_id"]).values(state="forwarded"))
            _event(
                conn,
                row["request_id"],
                t,
                "forwarded",
                {"target": row["target"], "remote_id": remote_id, "attempt": row["attempts"], "found_existing": found},
            )

    def forward_failed(self, row: dict[str, Any], error: str, retry_at: dt.datetime | None) -> None:
        """An attempt failed: retry at `retry_at`, or dead-letter the row (None)."""
        t = now()
        state = "pending" if retry_at else "dead"
        with self.write() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id == row["id"])
                .values(
                    state=state, last_error=error[:2000], locked_until=None, next_attempt_at=retry_at or t, updated_at=t
                )
            )
            conn.execute(
                sa.update(requests)
                .where(requests.c.id == row["request_id"])
                .values(state="forward_failed" if retry_at else "dead_letter")
            )
            _event(
                conn,
                row["request_id"],
                t,
                "forward_failed" if retry_at else "dead_lettered",
                {
                    "target": row["target"],
                    "attempt": row["attempts"],
                    "error": error[:2000],
                    "retry_at": retry_at.isoformat() if retry_at else None,
                },
            )

    def outbox_counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(outbox.c.state, sa.func.count()).group_by(outbox.c.state)).all()
        return {state: int(n) for state, n in rows}


def _event(conn: Connection, request_id: str, at: dt.datetime, kind: str, detail: dict[str, Any]) -> None:
    conn.execute(
        sa.insert(events).values(request_id=request_id, at=at, type=kind, detail=json.dumps(detail, ensure_ascii=False))
    )


def _event_out(row: Any) -> dict[str, Any]:
    return {"at": utc(row["at"]).isoformat(), "type": row["type"], "detail": json.loads(row["detail"])}  # type: ignore[union-attr]


def _outbox_out(row: Any) -> dict[str, Any]:
    return {
        "target": row["target"],
        "state": row["state"],
        "attempts": row["attempts"],
        "remote_id": row["remote_id"],
        "last_error": row["last_error"],
    }
