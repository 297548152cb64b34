"""The Python and the browser engines agree: same classification for every vector.

The browser engine (intake/assets/engine.js, the file the site publishes) runs in one
Node.js process over all vectors; Python classifies the same vectors; every field must be
equal. Vectors: every finite answer combination (see vectors.finite_vectors), >= 10,000
random (answers, time) pairs biased to DST changes, holidays, weekends, midnight and the
exact opening and closing seconds, the policy's golden examples, and invalid answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import intake
from intake import compiler, engine
from intake.errors import AnswersError

sys.path.insert(0, str(Path(__file__).parent))
import policy_vectors as vectors  # noqa: E402

ENGINE_JS = Path(intake.__file__).parent / "assets" / "engine.js"
RUNNER = Path(__file__).parent / "run_engine.mjs"
NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _node_required():
    if NODE is None:  # agreement is a CI requirement: a missing node must fail, not skip
        pytest.fail("node is not installed (Node.js 20 runs the browser engine in these tests)")


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy(today=dt.date(2026, 11, 26))


def _node(policy: dict, vecs: list[dict], tmp_path: Path, mode: str) -> list[str]:
    pol_file, vec_file = tmp_path / "policy.json", tmp_path / "vectors.jsonl"
    pol_file.write_bytes(compiler.to_bytes(policy))
    vec_file.write_text("\n".join(json.dumps(v) for v in vecs) + "\n")
    proc = subprocess.run(
        [NODE, str(RUNNER), str(ENGINE_JS), str(pol_file), str(vec_file), mode],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == len(vecs)
    return out


def _python(policy: dict, v: dict) -> dict:
    try:
        if v.get("fn") == "outcomeSoFar":
            return {"ok": engine.outcome_so_far(policy, v["answers"], v["at"])}
        return {"ok": engine.classify(policy, v["answers"], v["at"])}
    except AnswersError as exc:
        return {"error": "invalid answers:", "paths": sorted(p for p, _ in exc.problems)}


def _text(result: dict) -> str:
    """The same text as JSON.stringify (insertion order, no spaces, UTF-8)."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def run_both(policy: dict, vecs: list[dict], tmp_path: Path) -> list[dict]:
    """Python results; asserts node gives byte-identical JSON for every vector (compared by sha256)."""
    js = _node(policy, vecs, tmp_path, "hash")
    py = [_python(policy, v) for v in vecs]
    bad = [i for i, (p, j) in enumerate(zip(py, js)) if hashlib.sha256(_text(p).encode()).hexdigest() != j]
    if bad:
        first = [vecs[i] for i in bad[:3]]
        full = _node(policy, first, tmp_path, "full")
        detail = [{"vector": v, "python": _text(py[i]), "node": f} for v, i, f in zip(first, bad, full)]
        pytest.fail(f"{len(bad)} of {len(vecs)} vectors differ; first: {json.dumps(detail, indent=1)[:4000]}")
    return py


@pytest.mark.slow  # about 50 s: every finite combination of answers
def test_every_finite_combination(policy, tmp_path):
    vecs = vectors.finite_vectors(policy, "2026-03-10T09:15:00-07:00")
    py = run_both(policy, vecs, tmp_path)
    outcomes = Counter((r["ok"]["priority"], r["ok"]["route"], r["ok"]["eligibility"]) for r in py)
    # the vectors really exercise the policy: every priority, route and eligibility occurs
    assert {p for p, _, _ in outcomes} == {p["id"] for p in policy["priorities"]}
    # every route: PSIGEN, each listed partner, and the partner who is not listed ("unlisted")
    partner_q = next(q for q in policy["questions"] if q.get("options_from") == "partners")
    assert {r for _, r, _ in outcomes} == (
        {"vendor"} | {p["id"] for p in policy["partners"]["directory"]} | {o["value"] for o in partner_q["options"]}
    )
    assert {e for _, _, e in outcomes} == set(policy["eligibility"]["order"])
    print(f"\nagreement: {len(vecs)} finite-combination vectors, {len(outcomes)} distinct outcomes")


def test_random_answers_and_times(policy, tmp_path):
    vecs = vectors.random_vectors(policy, 12000)
    py = run_both(policy, vecs, tmp_path)
    # the times really include the hard cases
    ts = [engine.to_epoch(v["at"]) for v in vecs]
    changes = [c for c, _ in policy["calendar"]["offsets"][1:]]
    opens = {t for iv in policy["calendar"]["open"] for t in iv}
    holidays = {h["date"] for h in policy["calendar"]["holidays"]}
    near_dst = sum(any(abs(t - c) <= 2 * 86400 for c in changes) for t in ts)
    exact_edges = sum(t in opens for t in ts)
    on_holiday = sum(engine.local_date(policy, t) in holidays for t in ts)
    weekend = sum(dt.date.fromisoformat(engine.local_date(policy, t)).weekday() >= 5 for t in ts)
    midnight = sum(engine.format_instant(policy, t)[11:19] == "00:00:00" for t in ts)
    # offsets on both sides of a DST change (standard and daylight time) among the answers
    offsets = {r["ok"]["respond_by"][-6:] for r in py if "ok" in r and r["ok"]["respond_by"]}
    print(
        f"\nagreement: {len(vecs)} random vectors: {near_dst} within 2 days of a DST change, {exact_edges} at an exact "
        f"opening/closing second, {on_holiday} on holidays, {weekend} on weekends, {midnight} at midnight; offsets {sorted(offsets)}"  # noqa: E501
    )
    assert min(near_dst, exact_edges, on_holiday, weekend, midnight) >= 50
    assert {"-07:00", "-08:00"} <= offsets


def test_golden_examples_and_invalid_answers(policy, tmp_path):
    examples = [
        {"answers": {k: v for k, v in ex["answers"].items() if v is not None}, "at": ex["at"]}
        for ex in policy["examples"]
    ]
    broken = vectors.broken_vectors(policy, 1000)
    py = run_both(policy, examples + broken, tmp_path)
    for ex, r in zip(policy["examples"], py):
        assert {k: r["ok"][k] for k in ex["expect"]} == ex["expect"], ex["name"]
    assert all("error" in r for r in py[len(examples) :])


def test_js_refuses_another_format_version(policy, tmp_path):
    other = dict(policy, format_version=2)
    vec = [{"answers": {}, "at": "2026-03-10T09:15:00-07:00"}]
    pol_file, vec_file = tmp_path / "policy.json", tmp_path / "v.jsonl"
    pol_file.write_text(json.dumps(other))
    vec_file.write_text(json.dumps(vec[0]) + "\n")
    proc = subprocess.run(
        [NODE, str(RUNNER), str(ENGINE_JS), str(pol_file), str(vec_file), "full"], capture_output=True, text=True
    )
    assert json.loads(proc.stdout)["error"] == "compiled policy format_version 2 is not supported (this engine reads 1)"


def test_outcome_so_far_agrees_and_never_contradicts_the_final_classification(policy, tmp_path):
    """Every prefix (in asking order) of 600 random answer sets: both engines agree, and what
    a prefix already decides (explanations included) equals the final classification of the
    complete answers."""
    vecs, finals = [], []
    for v in vectors.random_vectors(policy, 600, seed=9):
        final = engine.classify(policy, v["answers"], v["at"])
        keys = list(v["answers"])
        for n in range(len(keys) + 1):
            vecs.append({"fn": "outcomeSoFar", "answers": {k: v["answers"][k] for k in keys[:n]}, "at": v["at"]})
            finals.append(final)
    py = run_both(policy, vecs, tmp_path)
    decided = Counter()
    for r, final in zip(py, finals):
        got = r["ok"]
        for field in ("priority", "route", "eligibility"):
            if got[field] is not None:
                decided[field] += 1
                assert got[field] == final[field]
        assert set(got["exclusions"]) <= set(final["exclusions"])
        # each explanation given early is the final one, word for word; one per decided part
        assert all(e in final["explanations"] for e in got["explanations"])
        assert [e["about"] for e in got["explanations"]] == (
            ["priority"] * bool(got["priority"])
            + ["route"] * bool(got["route"])
            + ["eligibility"] * bool(got["eligibility"])
            + ["exclusion"] * len(got["exclusions"])
        )
    assert all(decided[f] > 0 for f in ("priority", "route", "eligibility"))
    # complete answers decide everything
    full = [r["ok"] for r, v in zip(py, vecs) if not engine.validate_answers(policy, v["answers"])[1]]
    assert len(full) == 600 and all(x["priority"] and x["route"] and x["eligibility"] for x in full)
    print(f"\nagreement: {len(vecs)} partial-answer vectors (outcome so far); decided: {dict(decided)}")


def test_times_are_read_alike(policy, tmp_path):
    """Both engines accept and refuse the same submission times (a final newline, non-ASCII
    digits, an impossible date or UTC offset) and read the accepted ones as the same instant."""
    answers = {k: v for k, v in policy["examples"][0]["answers"].items() if v is not None}
    times = [
        "2026-03-10T09:15:00-07:00",
        "2026-03-10T16:15:00Z",
        "2026-03-10T09:15-07:00",
        "2026-03-10T09:15:00.999-07:00",
        "2026-03-10T21:45:00+05:30",
        "2026-03-10T09:15:00-07:00\n",
        "\n2026-03-10T09:15:00-07:00",
        "٢٠٢٦-03-10T09:15:00Z",
        "2026-03-10 09:15:00Z",
        "2026-02-30T10:00:00Z",
        "2026-03-10T24:00:00Z",
        "2026-03-10T09:60:00Z",
        "2026-03-10T09:15:60Z",
        "2026-03-10T09:15:00+24:00",
        "2026-03-10T09:15:00-07:60",
        "2026-03-10T09:15:00+23:59",
        "0000-01-01T00:00:00Z",
        "2026-03-10",
    ]
    vecs = [{"answers": answers, "at": t} for t in times]
    js = [json.loads(line) for line in _node(policy, vecs, tmp_path, "full")]
    for t, j in zip(times, js):
        try:
            py = {"ok": engine.classify(policy, answers, t)}
        except intake.errors.KbError:
            py = {"error": True}
        assert ("ok" in py) == ("ok" in j), t
        if "ok" in py:
            assert _text(py) == json.dumps(j, ensure_ascii=False, separators=(",", ":")), t
    accepted = [t for t, j in zip(times, js) if "ok" in j]
    assert accepted == times[:5] + ["2026-03-10T09:15:00+23:59"]
