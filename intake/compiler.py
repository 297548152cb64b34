"""Compile a checked policy into the one JSON document both engines read (format_version 1).

Owns: normalising conditions, resolving generated question options (partners, products,
versions, deployments), the calendar expansion (via `intake.calendar`), the texts the
engines fill in, and the exact bytes + sha256 of the result. Does not check the policy
(`intake.checks`) and does not evaluate it (`intake.engine`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from .calendar import compile_calendar

FORMAT_VERSION = 1
ELIGIBILITY_ORDER = ["eligible", "special_services", "not_covered"]
PRODUCT_STATUSES = ["supported", "end_of_support", "not_yet_released", "unlisted_version", "not_psigen"]

# Sentences the engines fill in ({name} placeholders only); wording, not rules.
TEXTS = {
    "priority": "Priority {priority} ({priority_label}): the Initial Response Time is {response_hours} business hours.",
    "respond_by": "Support hours are counted in {timezone} time. The clock starts {clock_starts_text} and PSIGEN "
    "aims to acknowledge the request and begin diagnosis by {respond_by_text}.",
    "no_clock": "No PSIGEN response time applies to this request.",
    "responsibility": "Responsibility not met: {text}",
}


def norm_value(v: Any) -> str:
    """YAML reads an unquoted yes/no as a boolean; options and conditions compare as text."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def norm_when(when: Any) -> list[dict[str, dict[str, list[str]]]]:
    """Condition -> list (any) of {fact: {"in": [...]} | {"not": [...]}} (all); absent -> [{}] (always)."""
    if when is None:
        return [{}]
    out = []
    for alt in when if isinstance(when, list) else [when]:
        norm: dict[str, dict[str, list[str]]] = {}
        for fact, want in (alt or {}).items():
            op = "in"
            if isinstance(want, dict):
                op, want = "not", want.get("not")
            norm[str(fact)] = {op: [norm_value(w) for w in (want if isinstance(want, list) else [want])]}
        out.append(norm)
    return out


def _option(value: Any, label: Any, help: Any = "") -> dict[str, str]:
    return {"value": norm_value(value), "label": str(label), "help": str(help or "")}


def resolve_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Questions with `when` normalised and generated options filled in from the data."""
    products = data.get("products") or []
    partners = (data.get("partners") or {}).get("directory") or []
    product_q = next((q["id"] for q in data["questions"] if q.get("options_from") == "products"), None)
    out = []
    for q in data["questions"]:
        static = [_option(o["value"], o["label"], o.get("help")) for o in q.get("options") or []]
        item: dict[str, Any] = {
            "id": q["id"],
            "text": q["text"],
            "help": q["help"],
            "clause": q["clause"],
            "when": norm_when(q.get("when")),
            "options": static,
        }
        if q.get("options_from"):
            item["options_from"] = q["options_from"]
        src = q.get("options_from")
        if src == "partners":
            item["options"] = [_option(p["id"], p["name"], p["kind"]) for p in partners] + static
        elif src == "products":
            item["options"] = [_option(p["id"], p["name"]) for p in products] + static
        elif src in ("versions", "deployments"):
            values = {}
            for p in products:
                gen = (
                    [_option(v["version"], v["version"]) for v in p["versions"]]
                    if src == "versions"
                    else [_option(d, d) for d in p["deployments"]]
                )
                values[p["id"]] = gen
            item["options_by"] = {"question": product_q, "values": values}
        out.append(item)
    return out


def _route(r: Any) -> Any:
    return {"answer": str(r["answer"])} if isinstance(r, dict) else str(r)


def compile_policy(data: dict[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """The compiled policy as a dict (see FORMATS.md). `data` must have passed the checks."""
    today = today or dt.date.today()
    pri = data["decision"]["priority"]
    route = data["decision"]["route"]
    return {
        "format_version": FORMAT_VERSION,
        "policy_version": str(data["version"]),
        "vendor": dict(data["vendor"]),
        "agreements": [dict(a) for a in data["agreements"]],
        "products": [
            {
                "id": p["id"],
                "name": p["name"],
                "deployments": list(p["deployments"]),
                "versions": [
                    {
                        "version": str(v["version"]),
                        "released": str(v["released"]),
                        "support_ends": str(v["support_ends"]) if v.get("support_ends") else None,
                    }
                    for v in p["versions"]
                ],
            }
            for p in data["products"]
        ],
        "priorities": [
            {
                "id": p["id"],
                "label": p["label"],
                "rank": i + 1,
                "response_hours": p["response_hours"],
                "zendesk": p["zendesk"],
                "jira": p["jira"],
            }
            for i, p in enumerate(data["priorities"])
        ],
        "partners": {
            "sample": bool(data["partners"].get("sample", False)),
            "directory": [
                {
                    "id": p["id"],
                    "name": p["name"],
                    "kind": p["kind"],
                    "regions": list(p.get("regions") or []),
                    "email": p.get("email", ""),
                    "phone": p.get("phone", ""),
                    "url": p.get("url", ""),
                    "submission": p["submission"],
                }
                for p in data["partners"].get("directory") or []
            ],
        },
        "questions": resolve_questions(data),
        "lifecycle_questions": {
            src: next((q["id"] for q in data["questions"] if q.get("options_from") == key), None)
            for src, key in (("product", "products"), ("version", "versions"), ("deployment", "deployments"))
        },
        "product_statuses": PRODUCT_STATUSES,
        "tables": {
            "priority": {
                "inputs": list(pri["inputs"]),
                "worse_first": {k: [norm_value(x) for x in v] for k, v in pri["worse_first"].items()},
                "rules": [
                    {"id": r["id"], "when": norm_when(r["when"]), "priority": r["priority"], "explain": r["explain"]}
                    for r in pri["rules"]
                ],
            },
            "route": {
                "inputs": list(route["inputs"]),
                "rules": [
                    {
                        "id": r["id"],
                        "when": norm_when(r["when"]),
                        "route": _route(r["route"]),
                        "clock": bool(r.get("clock", True)),
                        "explain": r["explain"],
                    }
                    for r in route["rules"]
                ],
            },
        },
        "eligibility": {
            "order": ELIGIBILITY_ORDER,
            "effects": {
                k: {"clock": bool(data["eligibility"][k]["clock"]), "explain": data["eligibility"][k]["explain"]}
                for k in ELIGIBILITY_ORDER
            },
        },
        "special_services_definition": data["special_services_definition"],
        "exclusions": [
            {
                "id": e["id"],
                "number": e.get("number"),
                "when": norm_when(e["when"]),
                "question": e["question"],
                "effect": e["effect"],
                "seed": e["seed"],
                "explain": e["explain"],
            }
            for e in data["exclusions"]
        ],
        "responsibilities": [
            {
                "id": r["id"],
                "number": r["number"],
                "question": r["question"],
                "unmet_when": norm_when(r["unmet_when"]),
                "text": r["text"],
            }
            for r in data.get("responsibilities") or []
        ],
        "responsibilities_consequence": data["responsibilities_consequence"],
        "escalation": {"text": data["escalation"]["text"], "reasons": [dict(r) for r in data["escalation"]["reasons"]]},
        "calendar": compile_calendar(
            data["calendar"], today, tuple(sorted({int(str(e["at"])[:4]) for e in data.get("examples") or []}))
        ),
        "texts": dict(TEXTS),
        "payload_fields": dict(data.get("payload_fields") or {}),
        "exports": _exports(data.get("exports") or {}),
        "examples": [
            {
                "name": e["name"],
                "at": e["at"],
                "answers": {k: (None if v is None else norm_value(v)) for k, v in e["answers"].items()},
                "expect": e["expect"],
            }
            for e in data.get("examples") or []
        ],
    }


def _exports(ex: dict[str, Any]) -> dict[str, Any]:
    return {
        "question_when": norm_when(ex["question_when"]) if "question_when" in ex else [],
        "email_to": ex.get("email_to", ""),
        "zendesk_fields": dict(ex.get("zendesk_fields") or {}),
        "jira": dict(ex.get("jira") or {}),
    }


def to_bytes(compiled: dict[str, Any]) -> bytes:
    """The exact published bytes (the payload's policy sha256 is over these)."""
    return (json.dumps(compiled, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def sha256(compiled: dict[str, Any]) -> str:
    return hashlib.sha256(to_bytes(compiled)).hexdigest()
