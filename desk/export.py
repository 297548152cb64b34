"""`kb desk export --format jsonl`: every stored request, one JSON object a line (backups, tests).

A line: `id`, `reference`, `received_at`, `kind`, `parent_id`, `state`, `verified`,
`differences`, `classification` (the desk's), `payload` (as received), `events`, `outbox`,
`acknowledged_at`, `acknowledged_by`, `met`.

`--what votes`: one line per article that has votes: `{"article_id", "helpful",
"not_helpful", "known"}` (`known`: the id is in the desk's `--site`; null without a site).
`kb lint --feedback FILE` reads this format (and `GET /api/staff/feedback` answers
`{"version": 1, "articles": [the same objects]}`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

import sqlalchemy as sa

from .storage import Store, utc, votes


def line(item: dict[str, Any]) -> dict[str, Any]:
    r = item["request"]
    return {
        "id": r["id"],
        "reference": r["reference"],
        "received_at": utc(r["received_at"]).isoformat(),  # type: ignore[union-attr]
        "kind": r["kind"],
        "parent_id": r["parent_id"],
        "state": r["state"],
        "verified": bool(r["verified"]),
        "differences": json.loads(r["differences"]),
        "classification": json.loads(r["classification"]),
        "payload": json.loads(r["body"]),
        "events": item["events"],
        "outbox": item["outbox"],
        "acknowledged_at": utc(r["acknowledged_at"]).isoformat() if r["acknowledged_at"] else None,  # type: ignore[union-attr]
        "acknowledged_by": r["acknowledged_by"],
        "met": r["met"],
    }


def vote_lines(store: Store) -> Iterator[dict[str, Any]]:
    """Votes per article, most "not helpful" first."""
    q = sa.select(
        votes.c.article_id,
        sa.func.sum(sa.case((votes.c.helpful, 1), else_=0)),
        sa.func.sum(sa.case((votes.c.helpful, 0), else_=1)),
        sa.func.max(sa.cast(votes.c.article_known, sa.Integer)),
    ).group_by(votes.c.article_id)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    for aid, helpful, not_helpful, known in sorted(rows, key=lambda r: (-int(r[2]), r[0])):
        yield {
            "article_id": aid,
            "helpful": int(helpful),
            "not_helpful": int(not_helpful),
            "known": None if known is None else bool(known),
        }


def write_jsonl(url: str, out: TextIO, what: str = "requests") -> int:
    store = Store(url)
    n = 0
    try:
        for item in store.export() if what == "requests" else vote_lines(store):
            out.write(json.dumps(line(item) if what == "requests" else item, ensure_ascii=False) + "\n")
            n += 1
    finally:
        store.close()
    return n
