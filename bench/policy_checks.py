#!/usr/bin/env python3
"""How long the policy checks take as the priority table gains yes/no inputs.

    python bench/policy_checks.py [EXTRA ...]      (default: 4 6 9 12 16 20)

Each row checks the shipped policy with EXTRA planted inputs (`testkit.big_policy`: 3 + EXTRA
inputs, one planted problem of each kind) and prints the combinations the table has, the
problems found and the time `intake.checks.check_policy` took. The checks hold the
combinations as boxes (`intake/combinations.py`), so the time must not double per input.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

from intake.checks import check_policy
from intake.combinations import Table
from intake.compiler import norm_when, resolve_questions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # testkit/ is not installed
from testkit.big_policy import policy_with_extra_inputs


def main(extras: list[int]) -> None:
    print(f"{'inputs':>6}  {'combinations':>12}  {'problems':>8}  {'codes':<27}  {'seconds':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for extra in extras:
            path = Path(tmp) / f"policy-{extra}.yml"
            text = policy_with_extra_inputs(extra)
            path.write_text(text, encoding="utf-8")
            data = yaml.safe_load(text)
            table = data["decision"]["priority"]
            rules = [norm_when(r["when"]) for r in table["rules"]]
            space = Table(resolve_questions(data), table["inputs"], rules)
            start = time.perf_counter()
            problems = check_policy(path)
            took = time.perf_counter() - start
            codes = ",".join(sorted({p.code for p in problems}))
            size = Table.size(space.feasible)
            print(f"{3 + extra:>6}  {size:>12,}  {len(problems):>8}  {codes:<27}  {took:>7.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [4, 6, 9, 12, 16, 20])
