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
        fixture_path.write_text(head + yaml.safe_dump({k: fixture[k] for k in ("replace", "exit", "stderr")},
                                                      sort_keys=False, allow_unicode=True, width=200))
        pytest.skip("recorded")
    assert "Traceback" not in err
    assert code == fixture["exit"] == 1
    assert err == fixture["stderr"]
