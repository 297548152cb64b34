"""The policy file's shape: its JSON Schema (`schemas/support-policy.schema.json`, published with
the site for editors) and the two checks a schema cannot state (ids unique within a list, the
three shapes of a holiday), every problem at once at `file:line: CODE key: message`.

What the values *mean* across sections (references, decision tables) is `intake.checks`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from kbcore import lifecycle, schemacheck
from kbcore.policyfile import CODES
from kbcore.problems import Problem
from kbcore.yamlines import Path, line_of

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Ctx:
    filename: str
    data: Any
    lines: dict[Path, int]
    problems: list[Problem] = field(default_factory=list)

    def key(self, path: Path) -> str:
        """`questions[impact].options[0].value`: list items are named by their id."""
        return schemacheck.key_of(self.data, path)

    def add(self, path: Path, code: str, message: str) -> None:
        key = self.key(path)
        self.problems.append(
            Problem(
                self.filename, line_of(self.lines, path), code, f"{key}: {message}" if key else message, key=key or None
            )
        )


SCHEMA_FILE = FsPath(__file__).parent / "schemas" / "support-policy.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
# Lists whose items are named by a unique `id` (a JSON Schema cannot say "unique by key").
UNIQUE_IDS: tuple[Path, ...] = (
    ("products",),
    ("agreements",),
    ("priorities",),
    ("partners", "directory"),
    ("questions",),
    ("decision", "priority", "rules"),
    ("decision", "route", "rules"),
    ("exclusions",),
    ("responsibilities",),
    ("escalation", "reasons"),
)


def validate(data: Any, lines: dict[Path, int], filename: str) -> list[Problem]:
    """The shape of the whole file (its JSON Schema), then what the schema cannot say."""
    ctx = Ctx(filename, data, lines)
    ctx.problems += schemacheck.check(data, SCHEMA, lines, filename, CODES, references=[lifecycle.SCHEMA])
    _unique_ids(data, ctx)
    _holiday_shapes(data, ctx)
    return ctx.problems


def _unique_ids(data: Any, ctx: Ctx) -> None:
    for path in UNIQUE_IDS:
        items: Any = data
        for key in path:
            items = items.get(key) if isinstance(items, dict) else None
        seen: dict[str, int] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = line_of(ctx.lines, path + (seen[ident], "id"))
                ctx.add(path + (i, "id"), "POL106", f"duplicate id '{ident}' (first on line {first})")
            else:
                seen[ident] = i


def _holiday_shapes(data: Any, ctx: Ctx) -> None:
    """A holiday is exactly one of: `date`; `month`+`day`; `month`+`weekday`+`nth`."""
    hols = (
        data.get("calendar", {}).get("holidays")
        if isinstance(data, dict) and isinstance(data.get("calendar"), dict)
        else None
    )
    for i, h in enumerate(hols if isinstance(hols, list) else []):
        if not isinstance(h, dict):
            continue
        keys = {k for k in ("date", "month", "day", "weekday", "nth") if k in h}
        path = ("calendar", "holidays", i)
        if keys not in ({"date"}, {"month", "day"}, {"month", "weekday", "nth"}):
            ctx.add(path, "POL104", "a holiday needs exactly one of: date; month and day; month, weekday and nth")
        elif keys == {"month", "day"} and isinstance(h["month"], int) and isinstance(h["day"], int):
            try:
                dt.date(2024, h["month"], h["day"])  # a leap year: 29 February is a date
            except ValueError:
                ctx.add(path + ("day",), "POL104", f"month {h['month']} has no day {h['day']}: not a date")
        if h.get("observed") and "date" in keys:
            ctx.add(path + ("observed",), "POL104", "'observed' applies to yearly holidays, not to a one-off date")
