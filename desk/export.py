"""`kb desk export --format jsonl`: every stored request, one JSON object a line (backups, tests).

A line: `id`, `reference`, `received_at`, `kind`, `parent_id`, `state`, `verified`,
`differences`, `classification` (the desk's), `payload` (as received), `events`, `outbox`.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from .storage import Store, utc


def line(item: dict[str, Any]) -> dict[str, Any]:
    r = item["request"]
    return {
        "id": r["id"], "reference": r["reference"], "received_at": utc(r["received_at"]).isoformat(),  # type: ignore[union-attr]
        "kind": r["kind"], "parent_id": r["parent_id"], "state": r["state"], "verified": bool(r["verified"]),
        "differences": json.loads(r["differences"]), "classification": json.loads(r["classification"]),
        "payload": json.loads(r["body"]), "events": item["events"], "outbox": item["outbox"],
    }


def write_jsonl(url: str, out: TextIO) -> int:
    store = Store(url)
    n = 0
    try:
        for item in store.export():
            out.write(json.dumps(line(item), ensure_ascii=False) + "\n")
            n += 1
    finally:
        store.close()
    return n
