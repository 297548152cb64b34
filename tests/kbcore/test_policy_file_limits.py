"""Small policy files that must not wedge a build or `kb lint`: an alias bomb, deep nesting.
Each is one clear problem at file:line and exit 1, never a MemoryError or RecursionError."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testkit.project import build, make_project

BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)
DEEP = "products:\n" + "".join("  " * (i + 1) + "- \n" for i in range(150)) + "  " * 152 + "x\n"


@pytest.mark.parametrize(
    "text, message",
    [
        (BOMB, "POL100 the YAML expands to more than 200,000 values"),
        (DEEP, "nested more than 64 levels deep"),
    ],
)
def test_kb_intake_check(tmp_path, text, message):
    policy = tmp_path / "policy.yml"
    policy.write_text(text)
    res = subprocess.run(
        [sys.executable, "-m", "kbtools.cli", "intake", "check", str(policy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 1
    assert message in res.stderr and "Traceback" not in res.stderr and "Error:" not in res.stderr


def test_the_build_stops_with_the_problem_and_writes_nothing(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False)
    (tmp_path / "docs" / "_data" / "support-policy.yml").write_text(BOMB)
    res = build(cfg, timeout=300)
    out = res.stdout + res.stderr
    assert res.returncode != 0 and "Traceback" not in out and "MemoryError" not in out
    assert "the YAML expands to more than 200,000 values" in out
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "text, message",
    [
        (BOMB, "docs/_data/support-policy.yml:1: POL100 the YAML expands to more than 200,000 values"),
        (DEEP, "docs/_data/support-policy.yml:66: POL100 nested more than 64 levels deep"),
    ],
)
def test_kb_lint_reads_the_policy_and_reports_it(tmp_path, text, message):
    """`kb lint` reads the policy too (products and lifecycle): it also ended in MemoryError."""
    make_project(tmp_path, include_shipped=False)
    (tmp_path / "docs" / "_data" / "support-policy.yml").write_text(text)
    res = subprocess.run(
        [sys.executable, "-m", "kbtools.cli", "lint", "docs"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 1 and message in res.stdout
    assert "Traceback" not in res.stdout + res.stderr and "Error:" not in res.stdout + res.stderr
