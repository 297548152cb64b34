"""The policy file's schema, declared once, and the validator that reports every problem.

Each spec checks a value at a path and appends `Problem`s (file, line, key, did-you-mean);
nothing stops at the first error. What the values *mean* across sections (references,
decision tables) is `intake.checks`; this module only knows shapes and single values.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from kbcore.problems import Problem, did_you_mean

from kbcore.yamlines import Path, line_of

ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PRIORITY_ID = re.compile(r"^P[0-9]+$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Ctx:
    filename: str
    data: Any
    lines: dict[Path, int]
    problems: list[Problem] = field(default_factory=list)

    def key(self, path: Path) -> str:
        """`questions[impact].options[0].value`: list items are named by their id when they have one."""
        out, node = "", self.data
        for part in path:
            if isinstance(part, int):
                item = node[part] if isinstance(node, list) and part < len(node) else None
                name = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else part
                out += f"[{name}]"
                node = item
            else:
                out += f".{part}" if out else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return out or "(top level)"

    def add(self, path: Path, code: str, message: str) -> None:
        key = self.key(path)
        self.problems.append(Problem(self.filename, line_of(self.lines, path), code, f"{key}: {message}", key=key))


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"number {v}"
    if isinstance(v, str):
        return f"string '{v}'"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a mapping"
    return type(v).__name__


class Spec:
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class Anything(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        pass


@dataclass
class Plain(Spec):
    """A plain value (text, number, true/false, null), or lists of them nested `depth` deep at
    most: golden examples hold answers and expected fields, never deeper structures (which the
    engines, comparisons and messages would otherwise walk to any depth)."""

    depth: int = 0

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        level, items = 0, [v]
        while items:
            if any(isinstance(x, dict) for x in items):
                ctx.add(path, "POL103", f"expected a value{' or a list of values' * (self.depth > 0)}, got a mapping")
                return
            items = [y for x in items if isinstance(x, list) for y in x]
            if items:
                level += 1
                if level > self.depth:
                    what = "a list" if level == 1 else "a list of lists" if level == 2 else f"lists {level} deep"
                    ctx.add(path, "POL103", f"expected a value{' or a list of values' * (self.depth > 0)}, got {what}")
                    return


@dataclass
class Str(Spec):
    pattern: re.Pattern | None = None
    choices: tuple[str, ...] | None = None
    what: str = "text"

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, str):
            hint = f" (quote it: \"{v}\")" if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            ctx.add(path, "POL103", f"expected {self.what}, got {_type_name(v)}{hint}")
            return
        if self.choices is not None and v not in self.choices:
            ctx.add(path, "POL104", f"'{v}' is not one of {', '.join(self.choices)}{did_you_mean(v, self.choices)}")
        elif self.pattern is not None and not self.pattern.match(v):
            ctx.add(path, "POL104", f"'{v}' is not a valid {self.what}")
        elif not v.strip():
            ctx.add(path, "POL104", "must not be empty")


@dataclass
class Int(Spec):
    lo: float | None = None
    hi: float | None = None
    number: bool = False  # accept floats too

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        ok = isinstance(v, int) or (self.number and isinstance(v, float))
        if isinstance(v, bool) or not ok:
            ctx.add(path, "POL103", f"expected {'a number' if self.number else 'an integer'}, got {_type_name(v)}")
        elif (self.lo is not None and v < self.lo) or (self.hi is not None and v > self.hi):
            ctx.add(path, "POL104", f"{v} is out of range ({self.lo} to {self.hi})")


class Bool(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, bool):
            ctx.add(path, "POL103", f"expected true or false, got {_type_name(v)}")


class Date(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, str):
            ctx.add(path, "POL103", f"expected a date (YYYY-MM-DD), got {_type_name(v)}")
            return
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError
            dt.date.fromisoformat(v)
        except ValueError:
            ctx.add(path, "POL104", f"'{v}' is not a date (YYYY-MM-DD)")


class Instant(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        try:
            d = dt.datetime.fromisoformat(v) if isinstance(v, str) else None
        except ValueError:
            d = None
        if d is None or d.tzinfo is None:
            ctx.add(path, "POL104", f"{_type_name(v)} is not a date-time with offset (e.g. 2026-03-10T09:15:00-07:00)")


class TimeZone(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, str):
            ctx.add(path, "POL103", f"expected an IANA time zone name, got {_type_name(v)}")
            return
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            ctx.add(path, "POL105", f"unknown time zone '{v}'{did_you_mean(v, zoneinfo.available_timezones())}")


_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def parse_range(v: str) -> tuple[int, int] | None:
    """'08:00-17:00' -> (480, 1020) minutes; None when malformed or empty."""
    m = _RANGE.match(v.strip()) if isinstance(v, str) else None
    if not m:
        return None
    h1, m1, h2, m2 = map(int, m.groups())
    a, b = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or b > 24 * 60 or a >= b:
        return None
    return a, b


class TimeRange(Spec):
    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, str) or parse_range(v) is None:
            ctx.add(path, "POL104", f"{_type_name(v)} is not an opening range like '08:00-17:00' (opening before closing, 24:00 at most)")


@dataclass
class List(Spec):
    item: Spec
    min: int = 0
    unique_ids: bool = False

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, list):
            ctx.add(path, "POL103", f"expected a list, got {_type_name(v)}")
            return
        if len(v) < self.min:
            ctx.add(path, "POL104", f"needs at least {self.min} item(s)")
        seen: dict[str, int] = {}
        for i, x in enumerate(v):
            self.item.check(x, path + (i,), ctx)
            if self.unique_ids and isinstance(x, dict) and isinstance(x.get("id"), str):
                if x["id"] in seen:
                    ctx.add(path + (i, "id"), "POL106",
                            f"duplicate id '{x['id']}' (first on line {line_of(ctx.lines, path + (seen[x['id']], 'id'))})")
                else:
                    seen[x["id"]] = i


@dataclass
class Map(Spec):
    required: dict[str, Spec]
    optional: dict[str, Spec] = field(default_factory=dict)

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, dict):
            ctx.add(path, "POL103", f"expected a mapping, got {_type_name(v)}")
            return
        known = {**self.required, **self.optional}
        for k, x in v.items():
            if k not in known:
                ctx.add(path + (k,), "POL101", f"unknown key '{k}'{did_you_mean(str(k), known)}")
            else:
                known[k].check(x, path + (k,), ctx)
        for k in self.required:
            if k not in v:
                ctx.add(path, "POL102", f"missing required key '{k}'")


@dataclass
class MapOf(Spec):
    """A mapping with free keys (from `keys`, when given) and one value spec."""

    value: Spec
    keys: tuple[str, ...] | None = None

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        if not isinstance(v, dict):
            ctx.add(path, "POL103", f"expected a mapping, got {_type_name(v)}")
            return
        for k, x in v.items():
            if self.keys is not None and k not in self.keys:
                ctx.add(path + (k,), "POL101", f"unknown key '{k}'{did_you_mean(str(k), self.keys)}")
            else:
                self.value.check(x, path + (k,), ctx)


class Condition(Spec):
    """`{fact: value | [values] | {not: value-or-list}}`, or a list of those (any)."""

    def check(self, v: Any, path: Path, ctx: Ctx) -> None:
        alts = v if isinstance(v, list) else [v]
        if isinstance(v, list) and not v:
            ctx.add(path, "POL104", "an empty list of alternatives never matches")
        for i, alt in enumerate(alts):
            p = path + (i,) if isinstance(v, list) else path
            if not isinstance(alt, dict) or not alt:
                ctx.add(p, "POL103", f"expected a mapping of fact to value(s), got {_type_name(alt)}")
                continue
            for fact, want in alt.items():
                if isinstance(want, dict):
                    if set(want) != {"not"}:
                        ctx.add(p + (fact,), "POL101", f"a condition value mapping takes only 'not', got {', '.join(map(str, want))}")
                        continue
                    want = want["not"]
                for w in want if isinstance(want, list) else [want]:
                    if not isinstance(w, (str, bool)):
                        ctx.add(p + (fact,), "POL103", f"expected option value(s), got {_type_name(w)}")


def _text() -> Str:
    return Str()


def _id() -> Str:
    return Str(ID, what="id (lowercase letters, digits, '-', '_')")


PAYLOAD_FIELDS = ("requester.role", "requester.purchase_channel", "requester.partner", "product.id",
                  "product.version", "product.deployment", "support_contract.active")
OPTION = Map({"value": Str(what="option value"), "label": _text()}, {"help": _text()})
HOLIDAY = Map({"name": _text()}, {
    "date": Date(), "month": Int(1, 12), "day": Int(1, 31), "weekday": Str(choices=WEEKDAYS),
    "nth": Int(-1, 5), "observed": Str(choices=("nearest_weekday", "none")),
})
EFFECT = Map({"clock": Bool(), "explain": _text()})
PRIORITY_RULE = Map({"id": _id(), "when": Condition(), "priority": Str(PRIORITY_ID, what="priority id"), "explain": _text()})
ROUTE_RULE = Map({"id": _id(), "when": Condition(), "route": Anything(), "explain": _text()}, {"clock": Bool()})

POLICY = Map(
    {
        "schema": Int(1, 1),
        "version": Str(what="version text"),
        "vendor": Map({"id": _id(), "name": _text(), "short_name": _text(), "submit": _text()}),
        "products": List(Map(
            {"id": _id(), "name": _text(), "deployments": List(Str(choices=("on-premises", "cloud")), 1),
             "versions": List(Map({"version": Str(what="version text"), "released": Date()}, {"support_ends": Date()}), 1)},
        ), 1, unique_ids=True),
        "agreements": List(Map({"id": _id(), "name": _text(), "deployments": List(Str(choices=("on-premises", "cloud")), 1)}), 1, unique_ids=True),
        "calendar": Map(
            {"timezone": TimeZone(), "weekly": MapOf(List(TimeRange()), WEEKDAYS), "holidays": List(HOLIDAY),
             "expand": Map({"years_before": Int(0, 5), "years_ahead": Int(1, 20)})},
            {"default_to_set": Bool()},
        ),
        "priorities": List(Map(
            {"id": Str(PRIORITY_ID, what="priority id (P1, P2, ...)"), "label": _text(), "response_hours": Int(0.25, 24 * 30, number=True),
             "zendesk": Str(choices=("urgent", "high", "normal", "low")), "jira": _text()},
        ), 1, unique_ids=True),
        "partners": Map({"sample": Bool(), "directory": List(Map(
            {"id": _id(), "name": _text(), "kind": Str(choices=("distributor", "reseller")), "submission": _text()},
            {"regions": List(_text()), "email": Str(re.compile(r"^[^@\s]+@[^@\s]+$"), what="email address"),
             "phone": _text(), "url": Str(re.compile(r"^https?://"), what="http(s) URL")},
        ), unique_ids=True)}),
        "questions": List(Map(
            {"id": _id(), "text": _text(), "help": _text(),
             "clause": Str(choices=("routing", "lifecycle", "severity", "exclusions", "custom_code", "special_services", "responsibilities"))},
            {"when": Condition(), "options": List(OPTION), "options_from": Str(choices=("partners", "products", "versions", "deployments"))},
        ), 1, unique_ids=True),
        "decision": Map({
            "priority": Map({"inputs": List(_id(), 1), "rules": List(PRIORITY_RULE, 1, unique_ids=True),
                             "worse_first": MapOf(List(Str(what="option value"), 1))}),
            "route": Map({"inputs": List(_id(), 1), "rules": List(ROUTE_RULE, 1, unique_ids=True)}),
        }),
        "eligibility": Map({"eligible": EFFECT, "special_services": EFFECT, "not_covered": EFFECT}),
        "special_services_definition": _text(),
        "exclusions": List(Map(
            {"id": _id(), "when": Condition(), "question": _id(), "effect": Str(choices=("not_covered", "special_services")),
             "seed": _text(), "explain": _text()},
            {"number": Int(1, 99)},
        ), 1, unique_ids=True),
        "responsibilities": List(Map({"id": _id(), "number": Int(1, 99), "question": _id(), "unmet_when": Condition(), "text": _text()}), unique_ids=True),
        "responsibilities_consequence": _text(),
        "escalation": Map({"text": _text(), "reasons": List(Map({"id": _id(), "label": _text()}), 1, unique_ids=True)}),
    },
    {"payload_fields": MapOf(_id(), PAYLOAD_FIELDS),
     "exports": Map({
        "question_when": Condition(), "email_to": Str(re.compile(r"^[^@\s]+@[^@\s]+$"), what="email address"),
        "zendesk_fields": MapOf(Int(1), ("priority", "respond_by", "route", "eligibility", "policy_version")),
        "jira": Map({"service_desk_id": _text(), "request_type_id": _text(), "respond_by_field": _text(),
                     "route_field": _text(), "eligibility_field": _text()}),
     }),
     "examples": List(Map({"name": _text(), "at": Instant(), "answers": MapOf(Plain()), "expect": MapOf(Plain(1))}))},
)


def validate(data: Any, lines: dict[Path, int], filename: str) -> list[Problem]:
    ctx = Ctx(filename, data, lines)
    POLICY.check(data, (), ctx)
    _holiday_shapes(data, ctx)
    return ctx.problems


def _holiday_shapes(data: Any, ctx: Ctx) -> None:
    """A holiday is exactly one of: `date`; `month`+`day`; `month`+`weekday`+`nth`."""
    hols = data.get("calendar", {}).get("holidays") if isinstance(data, dict) and isinstance(data.get("calendar"), dict) else None
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
