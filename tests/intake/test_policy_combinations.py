"""The decision-table checks on boxes (`intake.combinations.Table`) find exactly what listing
every combination finds: on 600 random tables over the shipped policy's questions (including
questions asked only after another answer, and versions that depend on the product), the
missing combinations, overlaps, unreachable rules and non-monotone pairs (their exact count and
first example per pair of rules) equal those of a plain listing."""

from __future__ import annotations

import itertools
import random

import pytest

import intake
from intake import engine
from intake.combinations import Table, domain, enumerate_combinations

POOL = [
    "requester_role",
    "purchase_channel",
    "partner",
    "product",
    "version",
    "deployment",
    "environment",
    "impact",
    "users_affected",
    "onsite",
    "hardware",
]


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return intake.compiled_policy()["questions"]


def random_table(rng: random.Random, questions: list[dict]):
    by_id = {q["id"]: q for q in questions}
    chosen = set(rng.sample(POOL, rng.randint(1, 5)))
    inputs = [q for q in POOL if q in chosen]
    facts = inputs + (["contract_active"] if rng.random() < 0.2 else [])  # sometimes a fact that is no input
    rules = []
    for _ in range(rng.randint(1, 6)):
        alts = []
        for _ in range(rng.randint(1, 2)):
            alt = {}
            for f in rng.sample(facts, rng.randint(1, min(3, len(facts)))):
                values = rng.sample(domain(by_id[f]), rng.randint(1, len(domain(by_id[f]))))
                alt[f] = {"not" if rng.random() < 0.3 else "in": values}
            alts.append(alt)
        rules.append(alts)
    return inputs, rules


def listed(questions, inputs, rules, rank, worse):
    """The checks as they were: list every combination, compare every pair."""
    combos = enumerate_combinations(questions, inputs)
    matched = [
        [j for j, when in enumerate(rules) if engine.matches(when, {k: v for k, v in c.items() if v is not None})]
        for c in combos
    ]
    missing = [c for c, m in zip(combos, matched) if not m]
    overlaps = {}
    for c, m in zip(combos, matched):
        for a, b in itertools.combinations(m, 2):
            overlaps.setdefault((a, b), c)
    reached = [any(j in m for m in matched) for j in range(len(rules))]
    outcome = [(i, m[0]) for i, m in enumerate(matched) if len(m) == 1]
    total, first = 0, {}
    for (i, ra), (k, rb) in itertools.permutations(outcome, 2):
        a, b = combos[i], combos[k]
        if worse(ra, rb) and all(rank(d, a[q]) <= rank(d, b[q]) for d, q in enumerate(a)):
            total += 1
            first.setdefault((ra, rb), (i, k))
    examples = [(ra, rb, combos[i], combos[k]) for (ra, rb), (i, k) in sorted(first.items(), key=lambda e: e[1])]
    return missing, [(a, b, c) for (a, b), c in overlaps.items()], reached, total, examples


def test_boxes_find_what_listing_finds(questions):
    rng = random.Random(14)
    by_id = {q["id"]: q for q in questions}
    checked = {"missing": 0, "overlaps": 0, "unreachable": 0, "not monotone": 0}
    for _ in range(600):
        inputs, rules = random_table(rng, questions)
        ids = [q for q in POOL if q in inputs]
        orders = {q: rng.sample([*domain(by_id[q]), None], len(domain(by_id[q])) + 1) for q in ids}
        prio = [rng.randint(1, 4) for _ in rules]

        def rank(d, v, orders=orders, ids=ids):
            return orders[ids[d]].index(v)

        def worse(ra, rb, prio=prio):
            return prio[ra] > prio[rb]

        space = Table(questions, inputs, rules)
        missing, overlaps, reached, total, examples = listed(questions, inputs, rules, rank, worse)
        got_missing = space.missing()
        assert space.first(got_missing, 10**6) == missing
        assert Table.size(got_missing) == len(missing)
        assert sorted(space.overlaps(), key=lambda o: (o[0], o[1])) == sorted(overlaps, key=lambda o: (o[0], o[1]))
        assert [space.reached(j) for j in range(len(rules))] == reached
        assert space.not_monotone(rank, worse) == (total, examples)
        checked["missing"] += bool(missing)
        checked["overlaps"] += bool(overlaps)
        checked["unreachable"] += not all(reached)
        checked["not monotone"] += bool(total)
    assert min(checked.values()) >= 40, checked  # the random tables exercise every kind of problem
