"""The policy articles' generated clauses, rendered from the compiled policy.

Each `<!-- kb:policy-... -->` marker of a policy article (the Product Support Commitment,
"What's included") has a renderer here: Python turns the compiled policy into plain data
for one block, and the block's Jinja2 template (`intake/templates/policy/<block>.html`,
autoescape on) writes the markup. Clauses link to the request-form question that applies
them (`../../request/#step=<question>`, relative to the article). The pages therefore cannot
drift from the policy the engines evaluate. Implementer notes (how the seed was read) are
not rendered here: they are in intake/FORMATS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

Policy = dict[str, Any]
DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
EFFECT_TEXT = {"not_covered": "Not covered", "special_services": "Special Service"}
HOLIDAYS_SHOWN = 12
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_env = Environment(
    loader=PackageLoader("intake", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _render(block: str, **data: Any) -> str:
    # Blank lines around the block: Markdown passes it through as one raw HTML block.
    html = _env.get_template(f"policy/{block}.html").render(**data)
    return "\n" + html.strip() + "\n\n"


# ----- data shared by several blocks ------------------------------------------------------------
def _questions(policy: Policy) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in policy["questions"]}


def _label(q: dict[str, Any], value: str) -> str:
    generated = (q.get("options_by") or {}).get("values", {}).values()
    opts = list(q["options"]) + [o for vs in generated for o in vs]
    return next((o["label"] for o in opts if o["value"] == value), value)


def _ask(policy: Policy, question_id: str) -> dict[str, str]:
    """A link target: the question's id and its wording (the id when the question is unknown)."""
    q = _questions(policy).get(question_id)
    return {"id": question_id, "text": q["text"] if q else question_id.replace("_", " ")}


def _condition(policy: Policy, when: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A normalised condition as alternatives of parts: one question and its answers each."""
    qs = _questions(policy)
    alts = []
    for alt in when:
        parts = []
        for fact, cond in alt.items():
            q = qs.get(fact)
            vals = cond.get("in") or cond.get("not") or []
            parts.append(
                {
                    "question": _ask(policy, fact) if q else None,
                    "fact": fact.replace("_", " "),
                    "answers": [_label(q, v) if q else v.replace("_", " ") for v in vals],
                    "negated": "not" in cond,
                }
            )
        alts.append(parts)
    return alts


def _exclusion(policy: Policy, x: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": x["id"],
        "number": x["number"],
        "seed": x["seed"],
        "explain": x["explain"],
        "effect": EFFECT_TEXT[x["effect"]],
        "ask": _ask(policy, x["question"]),
    }


def _hours(h: float) -> str:
    return f"{h:g} business hour{'' if h == 1 else 's'}"


# ----- one renderer per block ------------------------------------------------------------
def severity(policy: Policy, request_url: str) -> str:
    table = policy["tables"]["priority"]
    prios = {p["id"]: p for p in policy["priorities"]}
    rows = [
        {
            "situation": _condition(policy, r["when"]),
            "time": _hours(prios[r["priority"]]["response_hours"]),
            "label": f"{r['priority']} {prios[r['priority']]['label']}",
        }
        for r in table["rules"]
    ]
    times: dict[float, list[str]] = {}
    for p in policy["priorities"]:  # worst first, so the times come out fastest first
        times.setdefault(p["response_hours"], []).append(f"{p['id']} {p['label']}")
    count = NUMBER_WORDS[len(times)] if len(times) < len(NUMBER_WORDS) else str(len(times))
    return _render(
        "severity",
        request_url=request_url,
        rows=rows,
        count=count,
        vendor=policy["vendor"]["short_name"],
        times=[{"time": _hours(h), "labels": labels} for h, labels in times.items()],
        asks=[_ask(policy, q) for q in table["inputs"]],
    )


def hours(policy: Policy, request_url: str, today: dt.date | None = None) -> str:
    cal = policy["calendar"]
    today = today or dt.date.today()
    days = [
        {"day": DAY_NAMES[d], "hours": ", ".join(f"{a}–{b}" for a, b in ranges)} for d, ranges in cal["weekly"].items()
    ]
    holidays = [h for h in cal["holidays"] if today.isoformat() <= h["date"]][:HOLIDAYS_SHOWN]
    qs = _questions(policy)
    outside = next(
        (x for x in policy["exclusions"] if qs.get(x["question"], {}).get("clause") == "special_services"), None
    )
    return _render(
        "hours",
        request_url=request_url,
        timezone=cal["timezone"],
        days=days,
        holidays=holidays,
        outside=_ask(policy, outside["question"]) if outside else None,
    )


def routing(policy: Policy, request_url: str) -> str:
    vendor = policy["vendor"]
    rules = []
    for r in policy["tables"]["route"]["rules"]:
        to_partner = isinstance(r["route"], dict)
        target = (
            "your distributor or reseller (first-level support)"
            if to_partner
            else vendor["short_name"]
            if r["route"] == vendor["id"]
            else r["route"]
        )
        rules.append({"situation": _condition(policy, r["when"]), "target": target, "own_times": not r["clock"]})
    partners = [{**p, "regions": ", ".join(p["regions"])} for p in policy["partners"]["directory"]]
    return _render(
        "routing",
        request_url=request_url,
        rules=rules,
        partners=partners,
        asks=[_ask(policy, q) for q in policy["tables"]["route"]["inputs"]],
    )


def exclusions(policy: Policy, request_url: str) -> str:
    return _render(
        "exclusions",
        request_url=request_url,
        vendor=policy["vendor"]["short_name"],
        definition=policy["special_services_definition"],
        items=[_exclusion(policy, x) for x in policy["exclusions"]],
    )


def _exclusions_with(effect: str) -> Callable[[Policy, str], str]:
    """The renderer of one effect's exclusions (the "What's included" article's two lists)."""

    def render(policy: Policy, request_url: str) -> str:
        items = [_exclusion(policy, x) for x in policy["exclusions"] if x["effect"] == effect]
        return _render("exclusion-list", request_url=request_url, items=items)

    return render


def responsibilities(policy: Policy, request_url: str) -> str:
    items = [
        {"number": r["number"], "text": r["text"], "ask": _ask(policy, r["question"])}
        for r in policy["responsibilities"]
    ]
    return _render(
        "responsibilities", request_url=request_url, items=items, consequence=policy["responsibilities_consequence"]
    )


def escalation(policy: Policy, request_url: str) -> str:
    esc = policy["escalation"]
    return _render(
        "escalation", request_url=request_url, text=esc["text"], reasons=[r["label"] for r in esc["reasons"]]
    )


def version(policy: Policy, request_url: str) -> str:
    return _render("version", version=policy["policy_version"])


RENDERERS: dict[str, Callable[[Policy, str], str]] = {
    "policy-severity": severity,
    "policy-hours": hours,
    "policy-routing": routing,
    "policy-exclusions": exclusions,
    "policy-not-covered": _exclusions_with("not_covered"),
    "policy-special-services": _exclusions_with("special_services"),
    "policy-responsibilities": responsibilities,
    "policy-escalation": escalation,
    "policy-version": version,
}
