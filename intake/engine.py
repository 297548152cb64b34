"""The Python decision engine: classify answers with a compiled policy (format_version 1).

The same algorithm as `intake/assets/engine.js`, step for step, over the same JSON; it
holds no rule of the policy (every rule, date and text comes from the compiled document).
It does not read YAML or time-zone databases: the compiled calendar is plain numbers.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Any

from kbcore.problems import did_you_mean

from .errors import AnswersError, CalendarRangeError, KbError

FORMAT_VERSION = 1
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# ASCII digits only, and the whole string (`$` would allow a final newline): as engine.js reads it.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})", re.ASCII)


def check_policy(policy: dict[str, Any]) -> None:
    if not isinstance(policy, dict) or policy.get("format_version") != FORMAT_VERSION:
        got = policy.get("format_version") if isinstance(policy, dict) else None
        raise KbError(f"compiled policy format_version {got!r} is not supported (this engine reads {FORMAT_VERSION})")


# ----- time -------------------------------------------------------------------------------
def to_epoch(at: Any) -> int:
    """Whole epoch seconds from an aware datetime or an ISO 8601 string with offset."""
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise KbError(f"time {at.isoformat()} has no UTC offset; give one (e.g. -08:00 or Z)")
        return int(at.timestamp() // 1)
    m = _ISO.fullmatch(at) if isinstance(at, str) else None
    if not m:
        raise KbError(f"time {at!r} is not ISO 8601 with an offset (e.g. 2026-03-10T09:15:00-07:00)")
    y, mo, d, h, mi = (int(x) for x in m.groups()[:5])
    s = int(m.group(6) or 0)
    try:
        base = dt.datetime(y, mo, d, h, mi, s, tzinfo=dt.UTC)
    except ValueError:
        raise KbError(f"time {at!r} is not a valid date and time") from None
    z = m.group(7)
    if z != "Z" and (int(z[1:3]) > 23 or int(z[4:6]) > 59):
        raise KbError(f"time {at!r} is not a valid date and time")
    off = 0 if z == "Z" else (1 if z[0] == "+" else -1) * (int(z[1:3]) * 60 + int(z[4:6]))
    return int(base.timestamp()) - off * 60


def offset_at(policy: dict[str, Any], t: int) -> int:
    offs = policy["calendar"]["offsets"]
    i = bisect.bisect_right(_column(offs, 0), t) - 1
    return offs[max(i, 0)][1]


def _local_parts(policy: dict[str, Any], t: int) -> tuple[dt.datetime, int]:
    off = offset_at(policy, t)
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=t + off * 60), off


def format_instant(policy: dict[str, Any], t: int) -> str:
    """ISO 8601 in the calendar's zone with its offset, seconds precision."""
    local, off = _local_parts(policy, t)
    sign = "+" if off >= 0 else "-"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}"


def local_text(policy: dict[str, Any], t: int) -> str:
    local, _ = _local_parts(policy, t)
    return f"{WEEKDAY_NAMES[local.weekday()]} {local.strftime('%Y-%m-%d %H:%M')}"


def local_date(policy: dict[str, Any], t: int) -> str:
    return _local_parts(policy, t)[0].strftime("%Y-%m-%d")


def response_window(policy: dict[str, Any], t: int, hours: float) -> tuple[int, int]:
    """(clock_starts, respond_by) in epoch seconds: `hours` of open time from `t`.

    Intervals are [open, close): at the closing second the clock waits for the next opening;
    a deadline that uses an interval exactly up to its close is that close.
    """
    cal = policy["calendar"]
    opens = cal["open"]
    if t < cal["range"]["start_s"] or t >= cal["range"]["end_s"]:
        raise CalendarRangeError(_range_message(policy, t))
    i = bisect.bisect_right(_column(opens, 1), t)
    remaining = int(hours * 3600 // 1)
    if i >= len(opens):
        raise CalendarRangeError(_range_message(policy, t))
    cur = max(t, opens[i][0])
    start = cur
    while True:
        avail = opens[i][1] - cur
        if remaining <= avail:
            return start, cur + remaining
        remaining -= avail
        i += 1
        if i >= len(opens):
            raise CalendarRangeError(_range_message(policy, t))
        cur = opens[i][0]


def business_seconds_between(policy: dict[str, Any], start: int, end: int) -> int:
    """Open (support) seconds from epoch second `start` to `end`; negative when `end` is earlier.

    The staff queue's countdown: `business_seconds_between(p, now, respond_by)` is the support
    time left, and minus the time overdue once `respond_by` has passed. From the moment a
    request is received to its `respond_by` it is exactly `response_hours` × 3600.
    """
    cal = policy["calendar"]
    for t in (start, end):
        if t < cal["range"]["start_s"] or t > cal["range"]["end_s"]:
            raise CalendarRangeError(_range_message(policy, t))
    return _open_until(cal["open"], end) - _open_until(cal["open"], start)


_CUMULATIVE: dict[int, tuple[list, list[int]]] = {}


def _open_until(opens: list[list[int]], t: int) -> int:
    """Open seconds of the compiled calendar before epoch second `t`."""
    hit = _CUMULATIVE.get(id(opens))
    if hit is None or hit[0] is not opens:
        total, sums = 0, []
        for a, b in opens:
            sums.append(total)
            total += b - a
        hit = (opens, sums)
        _CUMULATIVE[id(opens)] = hit
    i = bisect.bisect_right(_column(opens, 0), t) - 1
    if i < 0:
        return 0
    a, b = opens[i]
    return hit[1][i] + min(t, b) - a


_COLUMNS: dict[tuple[int, int], tuple[list, list[int]]] = {}


def _column(rows: list[list[int]], k: int) -> list[int]:
    """Column k of a compiled list, cached per list object (bisect needs a plain key list)."""
    hit = _COLUMNS.get((id(rows), k))
    if hit is None or hit[0] is not rows:
        hit = (rows, [r[k] for r in rows])
        _COLUMNS[(id(rows), k)] = hit
    return hit[1]


def _range_message(policy: dict[str, Any], t: int) -> str:
    r = policy["calendar"]["range"]
    return (
        f"{format_instant(policy, t)} is outside the compiled support calendar "
        f"({r['start']} to {r['end']}); rebuild the site to extend it"
    )


# ----- questions and answers -----------------------------------------------------------------
def matches(when: list[dict[str, Any]], facts: dict[str, Any]) -> bool:
    """Any alternative whose every fact condition holds; a fact that is absent never matches."""
    for alt in when:
        ok = True
        for fact, cond in alt.items():
            v = facts.get(fact)
            if v is None or ("in" in cond and v not in cond["in"]) or ("not" in cond and v in cond["not"]):
                ok = False
                break
        if ok:
            return True
    return False


def _refs(when: list[dict[str, Any]]) -> set[str]:
    return {fact for alt in when for fact in alt}


def options_for(question: dict[str, Any], facts: dict[str, Any]) -> list[dict[str, str]]:
    by = question.get("options_by")
    gen = by["values"].get(facts.get(by["question"]), []) if by else []
    return list(gen) + list(question["options"])


def validate_answers(policy: dict[str, Any], answers: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(facts from the answers, problems as (JSON path, message)); walks questions in order."""
    if not isinstance(answers, dict):
        return {}, [("$.answers", "answers must be a JSON object of question id to option value")]
    problems: list[tuple[str, str]] = []
    ids = [q["id"] for q in policy["questions"]]
    for key in answers:
        if key not in ids:
            problems.append((f"$.answers.{key}", f"unknown question '{key}'{did_you_mean(key, ids)}"))
    facts: dict[str, str] = {}
    unknown: set[str] = set()
    for q in policy["questions"]:
        v = answers.get(q["id"])
        if _refs(q["when"]) & unknown:
            unknown.add(q["id"])  # depends on an answer that is wrong: say nothing about it
            continue
        asked = matches(q["when"], facts)
        path = f"$.answers.{q['id']}"
        if not asked:
            if v is not None:
                problems.append((path, f"question '{q['id']}' is not asked for these answers; remove it"))
            continue
        if v is None:
            problems.append((path, f"question '{q['id']}' is not answered"))
            unknown.add(q["id"])
            continue
        values = [o["value"] for o in options_for(q, facts)]
        if not isinstance(v, str) or v not in values:
            shown = f"'{v}'" if isinstance(v, str) else repr(v)
            problems.append((path, f"{shown} is not an option of '{q['id']}' (options: {', '.join(values)})"))
            unknown.add(q["id"])
            continue
        facts[q["id"]] = v
    return facts, problems


def asked_questions(policy: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    facts, _ = validate_answers(policy, {k: v for k, v in answers.items() if v is not None})
    out = []
    for q in policy["questions"]:
        if matches(q["when"], facts):
            out.append({**q, "options": options_for(q, facts)})
    return out


def product_status(policy: dict[str, Any], facts: dict[str, str], t: int) -> str:
    """Derived fact: is the answered product/version a Supported Product on the submission date?"""
    lq = policy["lifecycle_questions"]
    product = next((p for p in policy["products"] if p["id"] == facts.get(lq["product"] or "")), None)
    if product is None:
        return "not_psigen"
    version = next((v for v in product["versions"] if v["version"] == facts.get(lq["version"] or "")), None)
    if version is None:
        return "unlisted_version"
    day = local_date(policy, t)
    if day < version["released"]:
        return "not_yet_released"
    if version["support_ends"] and day > version["support_ends"]:
        return "end_of_support"
    return "supported"


# ----- classification --------------------------------------------------------------------------
def _fill(template: str, ctx: dict[str, Any]) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: str(ctx.get(m.group(1), m.group(0))), template)


def _one(table: dict[str, Any], facts: dict[str, Any], name: str) -> dict[str, Any]:
    rule = next((r for r in table["rules"] if matches(r["when"], facts)), None)
    if rule is None:
        raise KbError(f"no {name} rule matches these answers (the policy checks should have caught this)")
    return rule


def _route_of(rule: dict[str, Any], facts: dict[str, Any]) -> str:
    return facts[rule["route"]["answer"]] if isinstance(rule["route"], dict) else rule["route"]


def _context(
    policy: dict[str, Any], facts: dict[str, Any], prio: dict[str, Any] | None, route: str | None
) -> dict[str, Any]:
    """The {placeholder} values of the explanations; `prio` may be None (not decided yet)."""
    lq = policy["lifecycle_questions"]
    partner = next((p for p in policy["partners"]["directory"] if p["id"] == route), None)
    product = next((p for p in policy["products"] if p["id"] == facts.get(lq["product"] or "")), None)
    ctx: dict[str, Any] = (
        {"priority": prio["id"], "priority_label": prio["label"], "response_hours": prio["response_hours"]}
        if prio
        else {}
    )
    return ctx | {
        "partner_name": partner["name"] if partner else "",
        "product_name": product["name"] if product else "",
        "version": facts.get(lq["version"] or "", ""),
        "timezone": policy["calendar"]["timezone"],
    }


def _priority_explanation(policy: dict[str, Any], rule: dict[str, Any], ctx: dict[str, Any]) -> dict[str, str]:
    return {
        "about": "priority",
        "rule": rule["id"],
        "text": _fill(rule["explain"], ctx) + " " + _fill(policy["texts"]["priority"], ctx),
    }


def classify(policy: dict[str, Any], answers: Any, at: Any) -> dict[str, Any]:
    """The classification of FORMATS.md §5. Raises AnswersError listing every bad answer."""
    check_policy(policy)
    t = to_epoch(at)
    facts, problems = validate_answers(policy, answers)
    if problems:
        raise AnswersError(problems)
    facts = dict(facts)
    facts["product_status"] = product_status(policy, facts, t)

    prio_rule = _one(policy["tables"]["priority"], facts, "priority")
    prio = next(p for p in policy["priorities"] if p["id"] == prio_rule["priority"])
    route_rule = _one(policy["tables"]["route"], facts, "route")
    route = _route_of(route_rule, facts)

    order = policy["eligibility"]["order"]
    excl = [e for e in policy["exclusions"] if matches(e["when"], facts)]
    eligibility = order[max([order.index(e["effect"]) for e in excl], default=0)]
    unmet = [r for r in policy["responsibilities"] if matches(r["unmet_when"], facts)]
    clock = policy["eligibility"]["effects"][eligibility]["clock"] and route_rule["clock"]

    ctx = _context(policy, facts, prio, route)
    texts = policy["texts"]
    explanations = [_priority_explanation(policy, prio_rule, ctx)]
    starts = due = None
    if clock:
        starts, due = response_window(policy, t, prio["response_hours"])
        ctx.update(clock_starts_text=local_text(policy, starts), respond_by_text=local_text(policy, due))
        explanations.append({"about": "respond_by", "rule": prio_rule["id"], "text": _fill(texts["respond_by"], ctx)})
    else:
        explanations.append(
            {
                "about": "respond_by",
                "rule": route_rule["id"] if not route_rule["clock"] else eligibility,
                "text": texts["no_clock"],
            }
        )
    explanations.append({"about": "route", "rule": route_rule["id"], "text": _fill(route_rule["explain"], ctx)})
    explanations.append(
        {
            "about": "eligibility",
            "rule": eligibility,
            "text": _fill(policy["eligibility"]["effects"][eligibility]["explain"], ctx),
        }
    )
    explanations += [{"about": "exclusion", "rule": e["id"], "text": _fill(e["explain"], ctx)} for e in excl]
    explanations += [
        {"about": "responsibility", "rule": r["id"], "text": _fill(texts["responsibility"], {**ctx, "text": r["text"]})}
        for r in unmet
    ]
    deployment = facts.get(policy["lifecycle_questions"]["deployment"] or "")
    return {
        "policy_version": policy["policy_version"],
        "priority": prio["id"],
        "priority_label": prio["label"],
        "response_hours": prio["response_hours"] if clock else None,
        "clock_starts": format_instant(policy, starts) if starts is not None else None,
        "respond_by": format_instant(policy, due) if due is not None else None,
        "route": route,
        "eligibility": eligibility,
        "exclusions": [e["id"] for e in excl],
        "responsibilities_unmet": [r["id"] for r in unmet],
        "product_status": facts["product_status"],
        "agreements": [a["id"] for a in policy["agreements"] if deployment in a["deployments"]],
        "rules": [prio_rule["id"], route_rule["id"]] + [e["id"] for e in excl] + [r["id"] for r in unmet],
        "explanations": explanations,
    }


# ----- outcome so far (the wizard branches on it before the last answer) ------------------------
def outcome_so_far(policy: dict[str, Any], answers: Any, at: Any) -> dict[str, Any]:
    """What the answers given so far already decide; a field is None until it is decided.

    A fact is settled when it is answered, or when it is not asked and everything its `when`
    refers to is settled (so it can no longer become asked). A table's outcome is decided when
    all its inputs are settled; a matched exclusion stays matched; eligibility is decided once
    the worst effect is matched or every exclusion's facts are settled. `explanations` are the
    classification's explanations of what is decided (priority, route, eligibility, exclusion).
    """
    check_policy(policy)
    t = to_epoch(at)
    facts, _ = validate_answers(policy, answers if isinstance(answers, dict) else {})
    questions = {q["id"]: q for q in policy["questions"]}
    lq = policy["lifecycle_questions"]

    def settled(fact: str) -> bool:
        if fact == "product_status":
            return all(settled(q) for q in (lq["product"], lq["version"]) if q)
        if fact in facts:
            return True
        q = questions.get(fact)
        if q is None or matches(q["when"], facts):
            return False
        return all(settled(r) for r in _refs(q["when"]))

    facts = dict(facts)
    if settled("product_status"):
        facts["product_status"] = product_status(policy, facts, t)

    def decide(name: str) -> dict[str, Any] | None:
        table = policy["tables"][name]
        return _one(table, facts, name) if all(settled(i) for i in table["inputs"]) else None

    prio_rule, route_rule = decide("priority"), decide("route")
    route = _route_of(route_rule, facts) if route_rule else None
    order = policy["eligibility"]["order"]
    excl = [e for e in policy["exclusions"] if matches(e["when"], facts)]
    worst = max([order.index(e["effect"]) for e in excl], default=0)
    decided = worst == len(order) - 1 or all(settled(f) for e in policy["exclusions"] for f in _refs(e["when"]))
    eligibility = order[worst] if decided else None

    prio = next(p for p in policy["priorities"] if p["id"] == prio_rule["priority"]) if prio_rule else None
    ctx = _context(policy, facts, prio, route)
    explanations = [_priority_explanation(policy, prio_rule, ctx)] if prio_rule else []
    if route_rule:
        explanations.append({"about": "route", "rule": route_rule["id"], "text": _fill(route_rule["explain"], ctx)})
    if eligibility:
        explanations.append(
            {
                "about": "eligibility",
                "rule": eligibility,
                "text": _fill(policy["eligibility"]["effects"][eligibility]["explain"], ctx),
            }
        )
    explanations += [{"about": "exclusion", "rule": e["id"], "text": _fill(e["explain"], ctx)} for e in excl]
    return {
        "priority": prio_rule["priority"] if prio_rule else None,
        "route": route,
        "eligibility": eligibility,
        "exclusions": [e["id"] for e in excl],
        "rules": [r["id"] for r in (prio_rule, route_rule, *excl) if r],
        "explanations": explanations,
    }
