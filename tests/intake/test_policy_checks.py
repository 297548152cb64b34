"""Bad policies: every fixture under fixtures/bad-policy/ is the shipped policy with one
(or several) mistakes; `kb intake check` must print exactly the expected problems
(file:line: CODE key: message, all at once) and exit 1, without a traceback.

A fixture holds `replace: [[old, new], ...]` (applied to docs/_data/support-policy.yml;
`old` must occur), `exit`, and `stderr` (exact, with {file} for the policy path).
Set KB_RECORD=1 to (re)write `exit`/`stderr` from the current output, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from intake.checks import check_policy
from kbtools.cli import main
from testkit.project import REPO

SHIPPED = REPO / "docs" / "_data" / "support-policy.yml"
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "bad-policy").glob("*.yml"))


def mutate(fixture: dict, dest: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in fixture["replace"]:
        assert old in text, f"fixture text not found in the shipped policy: {old!r}"
        text = text.replace(old, new, 1)
    path = dest / "support-policy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_there_are_at_least_15_bad_policy_fixtures():
    assert len(FIXTURES) >= 15


def test_shipped_policy_is_sound(capsys):
    assert check_policy(SHIPPED) == []
    assert main(["intake", "check", str(SHIPPED)]) == 0
    assert capsys.readouterr().out == f"{SHIPPED}: policy OK\n"


@pytest.mark.parametrize("fixture_path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_bad_policy(fixture_path: Path, tmp_path: Path, capsys):
    fixture = yaml.safe_load(fixture_path.read_text(encoding="utf-8"))
    path = mutate(fixture, tmp_path)
    code = main(["intake", "check", str(path)])
    err = capsys.readouterr().err.replace(str(path), "{file}")
    if os.environ.get("KB_RECORD"):
        fixture["exit"], fixture["stderr"] = code, err
        head = "".join(line for line in fixture_path.read_text().splitlines(True) if line.startswith("#"))
        fixture_path.write_text(
            head
            + yaml.safe_dump(
                {k: fixture[k] for k in ("replace", "exit", "stderr")}, sort_keys=False, allow_unicode=True, width=200
            )
        )
        pytest.skip("recorded")
    assert "Traceback" not in err
    assert code == fixture["exit"] == 1
    assert err == fixture["stderr"]


@pytest.mark.parametrize(
    "depth, why",
    [
        (3, "POL103 examples[0].expect.priority: expected a value or a list of values, got a list of lists"),
        (40, "POL103 examples[0].expect.priority: expected a value or a list of values, got a list of lists"),
        (3000, "POL100 "),  # the shared loader's cap (kbcore/yamlines.py), at the line
    ],
)
def test_deep_nesting_is_a_problem_at_its_line(depth, why, tmp_path, capsys):
    """Golden examples take plain values only, so nothing in intake walks a deep structure (the
    engines, comparisons and messages); nesting beyond the loader's cap is its problem, at its
    line, never a RecursionError."""
    text = SHIPPED.read_text(encoding="utf-8")
    old = "expect: {priority: P1, response_hours: 2,"
    path = tmp_path / "support-policy.yml"
    path.write_text(text.replace(old, f"expect: {{priority: {'[' * depth}{']' * depth}, response_hours: 2,", 1))
    line = text[: text.index(old)].count("\n") + 1
    assert main(["intake", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err) < 1000
    assert f"{path}:{line}: {why}" in err


def test_a_huge_integer_is_a_problem_at_its_line(tmp_path, capsys):
    text = SHIPPED.read_text(encoding="utf-8")
    old = "response_hours: 2, zendesk"
    path = tmp_path / "support-policy.yml"
    path.write_text(text.replace(old, f"response_hours: {'9' * 5000}, zendesk", 1))
    assert main(["intake", "check", str(path)]) == 1
    line = text[: text.index(old)].count("\n") + 1
    err = capsys.readouterr().err
    assert f"\n{path}:{line}: POL100 " in err and len(err) < 1000
    assert "Traceback" not in err
