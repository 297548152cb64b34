"""Test vectors for engine agreement: every finite answer combination and random (answers, time) pairs.

Generated from the compiled policy (never from a list of rules written here), so a policy
change changes the vectors with it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import zoneinfo
from collections.abc import Iterator
from typing import Any

from intake import engine


def answer_trees(policy: dict[str, Any], skip: set[str] = frozenset()) -> Iterator[dict[str, str]]:
    """Every complete answer set reachable through the questions (questions in `skip` answered by the caller)."""
    qs = [q for q in policy["questions"] if q["id"] not in skip]

    def walk(i: int, facts: dict[str, str]) -> Iterator[dict[str, str]]:
        if i == len(qs):
            yield dict(facts)
            return
        q = qs[i]
        if not engine.matches(q["when"], facts):
            yield from walk(i + 1, facts)
            return
        for o in engine.options_for(q, facts):
            facts[q["id"]] = o["value"]
            yield from walk(i + 1, facts)
            del facts[q["id"]]

    yield from walk(0, {})


def yes_no_questions(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """Unconditional questions whose options are exactly yes/no (exclusions, responsibilities, ...)."""
    return [
        q
        for q in policy["questions"]
        if q["when"] == [{}] and sorted(o["value"] for o in q["options"]) == ["no", "yes"] and not q.get("options_by")
    ]


def finite_vectors(policy: dict[str, Any], at: str) -> list[dict[str, Any]]:
    """Every combination of the answers that are not yes/no (with the first golden example's
    yes/no answers), plus every one of the 2^n yes/no patterns, each over a different one of
    those combinations (rotating), so every finite answer appears with every other kind."""
    yn = yes_no_questions(policy)
    ids = [q["id"] for q in yn]
    bases = list(answer_trees(policy, skip=set(ids)))
    ex = policy["examples"][0]["answers"] if policy["examples"] else {}
    clear = {i: ex.get(i) or "no" for i in ids}
    out = [{"answers": {**b, **clear}, "at": at} for b in bases]
    for k, bits in enumerate(itertools.product(("no", "yes"), repeat=len(ids))):
        out.append({"answers": {**bases[(k * 7919) % len(bases)], **dict(zip(ids, bits))}, "at": at})
    return out


def interesting_times(policy: dict[str, Any], rng: random.Random) -> list[int]:
    """Epoch seconds: DST changes both ways, holidays, weekends, midnight, exact opening/closing (+-1 s), random."""
    cal = policy["calendar"]
    tz = zoneinfo.ZoneInfo(cal["timezone"])
    lo, hi = cal["range"]["start_s"], cal["range"]["end_s"]
    times: set[int] = set()
    for change, _ in cal["offsets"][1:]:
        for d in (-7200, -3601, -3600, -1, 0, 1, 3600, 86400 - 1, 86400, 2 * 86400):
            times.add(change + d)
    for a, b in cal["open"]:
        for t in (a - 1, a, a + 1, b - 1, b, b + 1):
            times.add(t)
    for h in cal["holidays"]:
        day = dt.date.fromisoformat(h["date"])
        for hh, mm in ((0, 0), (7, 59), (8, 0), (12, 0), (16, 59), (17, 0), (23, 59)):
            times.add(int(dt.datetime.combine(day, dt.time(hh, mm), tzinfo=tz).timestamp()))
    day = dt.date.fromtimestamp(lo)
    while True:
        t = int(dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp())
        if t >= hi:
            break
        times.update((t, t - 1, t + 1))
        day += dt.timedelta(days=1)
    times.update(rng.randrange(lo, hi) for _ in range(20000))
    return sorted(t for t in times if lo <= t < hi - 40 * 86400)  # leave room for a deadline inside the range


def iso(policy: dict[str, Any], t: int, rng: random.Random) -> str:
    """The same instant written with a random offset (or Z): parsing must not depend on it."""
    off = rng.choice([0, -480, -420, 60, 330, None])
    if off is None:
        return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.datetime.fromtimestamp(t, dt.timezone(dt.timedelta(minutes=off))).isoformat()


def random_answers(policy: dict[str, Any], rng: random.Random) -> dict[str, str]:
    facts: dict[str, str] = {}
    for q in policy["questions"]:
        if engine.matches(q["when"], facts):
            facts[q["id"]] = rng.choice(engine.options_for(q, facts))["value"]
    return facts


def random_vectors(policy: dict[str, Any], n: int, seed: int = 4) -> list[dict[str, Any]]:
    """Random answers at interesting times; every other vector takes the yes/no answers of the
    first golden example, so that (with ~15 exclusions, each of which stops the response clock)
    half the vectors still run the clock and exercise the calendar."""
    rng = random.Random(seed)
    times = interesting_times(policy, rng)
    ex = policy["examples"][0]["answers"] if policy["examples"] else {}
    clear = {q["id"]: ex[q["id"]] for q in yes_no_questions(policy) if ex.get(q["id"])}
    out = []
    for i in range(n):
        answers = random_answers(policy, rng)
        out.append({"answers": {**answers, **clear} if i % 2 else answers, "at": iso(policy, rng.choice(times), rng)})
    return out


def broken_vectors(policy: dict[str, Any], n: int, seed: int = 5) -> list[dict[str, Any]]:
    """Invalid answers (missing, extra, unknown, wrong option, wrong type): both engines must reject the same paths."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a: dict[str, Any] = random_answers(policy, rng)
        keys = list(a)
        kind = rng.randrange(5)
        k = rng.choice(keys)
        if kind == 0:
            del a[k]
        elif kind == 1:
            a["no_such_question"] = "yes"
        elif kind == 2:
            a[k] = "not-an-option"
        elif kind == 3:
            a[k] = rng.choice([1, True, ["yes"], {"v": 1}])
        else:
            unasked = [q["id"] for q in policy["questions"] if q["id"] not in a]
            if unasked:
                a[rng.choice(unasked)] = "yes"
            else:
                del a[k]
        out.append({"answers": a, "at": "2026-03-10T09:15:00-07:00"})
    return out
