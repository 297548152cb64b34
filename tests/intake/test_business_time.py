"""Support time between two instants (the desk queue's countdown): Python and the browser
engine agree to the second, across DST changes, holidays, weekends and interval edges; from
receipt to `respond_by` it is exactly the response window; it is antisymmetric and additive."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import intake
from intake import compiler, engine
from intake.errors import CalendarRangeError

sys.path.insert(0, str(Path(__file__).parent))
import policy_vectors as vectors

ENGINE_JS = Path(intake.__file__).parent / "assets" / "engine.js"
RUNNER = Path(__file__).parent / "run_engine.mjs"


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy(today=dt.date(2026, 11, 26))


@pytest.fixture(scope="module")
def pairs(policy) -> list[tuple[int, int]]:
    rng = random.Random(11)
    times = vectors.interesting_times(policy, rng)
    out = [(rng.choice(times), rng.choice(times)) for _ in range(3000)]
    # short spans around the edges too (most random pairs are months apart)
    out += [(t, t + rng.choice([-1, 1, 59, 3600, 86400, 3 * 86400])) for t in rng.sample(times, 2000)]
    hi = policy["calendar"]["range"]["end_s"]
    return [(a, b) for a, b in out if b <= hi]


def _python(policy: dict, a: int, b: int) -> dict:
    try:
        return {"ok": engine.business_seconds_between(policy, a, b)}
    except CalendarRangeError as exc:
        return {"error": str(exc).split("\n")[0], "paths": []}


def test_python_and_javascript_agree(policy, pairs, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (Node.js runs the browser engine in these tests)")
    lo = policy["calendar"]["range"]["start_s"]
    vecs = [{"fn": "businessSecondsBetween", "start": a, "end": b} for a, b in pairs]
    vecs += [{"fn": "businessSecondsBetween", "start": lo - 1, "end": lo + 10}]  # outside: the same error
    pol, vec = tmp_path / "policy.json", tmp_path / "vectors.jsonl"
    pol.write_bytes(compiler.to_bytes(policy))
    vec.write_text("\n".join(json.dumps(v) for v in vecs) + "\n")
    proc = subprocess.run(
        [node, str(RUNNER), str(ENGINE_JS), str(pol), str(vec), "full"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    js = [json.loads(line) for line in proc.stdout.splitlines()]
    py = [_python(policy, v["start"], v["end"]) for v in vecs]
    bad = [(v, p, j) for v, p, j in zip(vecs, py, js) if p != j]
    assert not bad, bad[:3]
    assert "error" in py[-1]
    # the pairs really cross DST changes in both directions
    changes = [c for c, _ in policy["calendar"]["offsets"][1:]]
    crossing = sum(any(min(a, b) < c <= max(a, b) for c in changes) for a, b in pairs)
    assert crossing >= 100


def test_from_receipt_to_respond_by_is_the_response_window(policy):
    for v in vectors.random_vectors(policy, 1500, seed=12):
        c = engine.classify(policy, v["answers"], v["at"])
        if c["respond_by"] is None:
            continue
        got = intake.business_seconds(v["at"], c["respond_by"], policy)
        assert got == int(c["response_hours"] * 3600), (v, c["respond_by"])


def test_antisymmetric_and_additive(policy, pairs):
    for a, b in pairs[:500]:
        ab = engine.business_seconds_between(policy, a, b)
        assert engine.business_seconds_between(policy, b, a) == -ab
        m = (a + b) // 2
        assert engine.business_seconds_between(policy, a, m) + engine.business_seconds_between(policy, m, b) == ab


def test_friday_evening_and_the_dst_weekend(policy):
    # Friday 2026-03-06 17:00 to Monday 09:00 (Pacific): closed all weekend, nothing counts
    assert intake.business_seconds("2026-03-06T17:00:00-08:00", "2026-03-09T09:00:00-07:00", policy) == 3600
    # across the DST change (Sun 2026-03-08): Friday 16:00 PST to Monday 10:00 PDT = 1 h + 2 h
    assert intake.business_seconds("2026-03-06T16:00:00-08:00", "2026-03-09T10:00:00-07:00", policy) == 3 * 3600
    # overdue: negative, counted in support time only
    assert intake.business_seconds("2026-03-09T10:00:00-07:00", "2026-03-06T16:00:00-08:00", policy) == -3 * 3600
