"""A policy whose priority table has many inputs, with problems planted in it (the policy
checks' scale test and `bench/policy_checks.py`): `extra` yes/no questions join the table's
three inputs, and rules naming them plant one of each problem the table checks find."""

from __future__ import annotations

import yaml

from .paths import REPO

SHIPPED = REPO / "docs" / "_data" / "support-policy.yml"


def policy_with_extra_inputs(extra: int) -> str:
    assert extra >= 4, "the planted rules name extra_1, extra_2 and extra_4"
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    names = [f"extra_{i}" for i in range(1, extra + 1)]
    at = next(i for i, q in enumerate(data["questions"]) if q["id"] == "users_affected") + 1
    data["questions"][at:at] = [
        {
            "id": n,
            "text": f"Extra question {n}?",
            "help": "Planted.",
            "clause": "severity",
            "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        }
        for n in names
    ]
    table = data["decision"]["priority"]
    table["inputs"] += names
    table["worse_first"].update({n: ["yes", "no"] for n in names})
    rules = {r["id"]: r for r in table["rules"]}
    # POL301: outside production, functionality loss is covered only when extra_2 is "no"
    rules["sev-non-production"]["when"]["extra_2"] = "no"
    # POL304: many users in production with extra_4 "yes" (worse) get P3, slower than P2 for
    # a few users
    rules["sev-production-many"]["when"]["extra_4"] = "no"
    table["rules"] += [
        {
            "id": "planted-slower",
            "priority": "P3",
            "explain": "Planted.",
            "when": {
                "environment": "production",
                "impact": "functionality_loss",
                "users_affected": "many_or_all",
                "extra_4": "yes",
            },
        },
        # POL302: also matches minor problems when extra_1 and extra_9 are "yes"
        {
            "id": "planted-overlap",
            "priority": "P4",
            "explain": "Planted.",
            "when": {"impact": "minor", "extra_1": "yes", names[-1]: "yes"},
        },
        # POL303: users_affected is never asked about a question
        {
            "id": "planted-unreachable",
            "priority": "P4",
            "explain": "Planted.",
            "when": {"impact": "question", "users_affected": "many_or_all"},
        },
    ]
    data.pop("examples")  # checked only when nothing else is wrong
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
