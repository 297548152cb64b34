"""The policy checks stay polynomial in the number of decision-table inputs: a priority table
with 12 inputs (the 3 shipped and 9 planted yes/no questions) is checked in a subprocess that
must finish well within its timeout (the checks used to list every combination and compare
every pair: over 240 s with 9 extra inputs), and every planted problem is found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testkit.big_policy import policy_with_extra_inputs

KB = Path(sys.executable).parent / "kb"


def test_twelve_inputs_are_checked_and_the_planted_problems_found(tmp_path):
    path = tmp_path / "support-policy.yml"
    path.write_text(policy_with_extra_inputs(9), encoding="utf-8")
    # a timeout, not a timed assertion: listing 3 x 2^9 combinations pairwise never got here
    res = subprocess.run(
        [str(KB), "intake", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 1 and "Traceback" not in res.stderr
    err = res.stderr.replace(str(path), "{file}")
    assert (
        "POL301 decision.priority.rules: no rule for the combination environment=non_production, "
        "impact=functionality_loss, users_affected=(not asked), extra_1=yes, extra_2=yes,"
    ) in err
    assert "POL301 decision.priority.rules: ... and 246 more combinations without a rule" in err
    assert (
        "POL302 decision.priority.rules[planted-overlap].when: rules 'sev-minor-or-question' and "
        "'planted-overlap' both match environment=production, impact=minor,"
    ) in err
    assert (
        "POL303 decision.priority.rules[planted-unreachable].when: rule 'planted-unreachable' "
        "matches no combination that can be asked"
    ) in err
    assert (
        "POL304 decision.priority.rules[planted-slower].priority: not monotone: "
        "environment=production, impact=functionality_loss, users_affected=many_or_all,"
    ) in err
    assert "but gets P3 (4 h) against P2 (3 h) (rules 'planted-slower', 'sev-production-few')" in err
    # exactly the planted problems: nothing else is reported
    codes = [line.split(": ", 1)[1].split()[0] for line in err.splitlines()[1:]]
    assert sorted(set(codes)) == ["POL301", "POL302", "POL303", "POL304"]
