"""The full outcome table of a compiled policy, as plain text (`kb intake table`).

Lists every combination of each decision table's inputs with the rule that decides it,
every exclusion with its effect, the responsibilities and the support hours: what a
reviewer reads to approve a policy change. Reads the compiled policy only.
"""

from __future__ import annotations

from typing import Any

from . import engine
from .combinations import NOT_ASKED, enumerate_combinations


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    return [fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]


def outcome_table(policy: dict[str, Any]) -> str:
    out = [f"Outcome table of policy {policy['policy_version']} (compiled format {policy['format_version']})", ""]
    prios = {p["id"]: p for p in policy["priorities"]}
    for name in ("priority", "route"):
        table = policy["tables"][name]
        combos = enumerate_combinations(policy["questions"], table["inputs"])
        rows = []
        for combo in combos:
            facts = {k: v for k, v in combo.items() if v is not None}
            rule = next(r for r in table["rules"] if engine.matches(r["when"], facts))
            vals = [combo[q] if combo[q] is not None else NOT_ASKED for q in table["inputs"]]
            if name == "priority":
                p = prios[rule["priority"]]
                rows.append(vals + [rule["id"], f"{p['id']} {p['label']}", f"{p['response_hours']} business hours"])
            else:
                target = (
                    f"answer of '{rule['route']['answer']}' ({facts.get(rule['route']['answer'])})"
                    if isinstance(rule["route"], dict)
                    else rule["route"]
                )
                rows.append(vals + [rule["id"], target, "yes" if rule["clock"] else "no (partner's own)"])
        extra = ["rule", "priority", "initial response"] if name == "priority" else ["rule", "route", "PSIGEN clock"]
        out.append(f"{name.upper()} ({len(combos)} combinations, each decided by exactly one rule)")
        out += _grid(list(table["inputs"]) + extra, rows) + [""]
    order = policy["eligibility"]["order"]
    out.append("ELIGIBILITY (every matching exclusion is listed; the worst effect wins: " + " < ".join(order) + ")")
    rows = []
    for e in policy["exclusions"]:
        cond = "; ".join(
            " and ".join(
                f"{f} {'=' if 'in' in c else '!='} {'|'.join(c.get('in') or c.get('not'))}" for f, c in alt.items()
            )
            for alt in e["when"]
        )
        clock = "yes" if policy["eligibility"]["effects"][e["effect"]]["clock"] else "no"
        rows.append([e["id"], str(e["number"] or "-"), cond, e["effect"], clock])
    rows.append(
        [
            "(none)",
            "-",
            "no exclusion matches",
            "eligible",
            "yes" if policy["eligibility"]["effects"]["eligible"]["clock"] else "no",
        ]
    )
    out += _grid(["exclusion", "seed #", "when", "effect", "response clock"], rows) + [""]
    out.append("RESPONSIBILITIES (unmet: may be rejected or de-prioritised; listed, not applied automatically)")
    rows = [
        [
            r["id"],
            r["question"],
            " ; ".join(
                " and ".join(f"{f} = {'|'.join(c.get('in') or [])}" for f, c in alt.items()) for alt in r["unmet_when"]
            ),
        ]
        for r in policy["responsibilities"]
    ]
    out += _grid(["responsibility", "question", "unmet when"], rows) + [""]
    cal = policy["calendar"]
    hours = ", ".join(f"{d} {' '.join('-'.join(r) for r in rs)}" for d, rs in cal["weekly"].items() if rs)
    out.append(
        f"SUPPORT HOURS: {cal['timezone']}: {hours}; {len(cal['holidays'])} holidays from "
        f"{cal['holidays'][0]['date'] if cal['holidays'] else '-'} to "
        f"{cal['holidays'][-1]['date'] if cal['holidays'] else '-'}"
        f"{' (DEFAULT TO SET)' if cal['default_to_set'] else ''}"
    )
    return "\n".join(out) + "\n"
