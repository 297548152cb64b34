"""The CI kit for KB repositories (kbtools/kit/, .pre-commit-hooks.yaml, `kb init-ci`).

The commands the workflow and the hooks run are executed for real in a small KB project made
by `kb init-ci`: they pass on a clean KB and fail, naming the file and line, on a broken one.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from kbtools.cli import main
from testkit.project import REPO, make_project

KIT = REPO / "kbtools" / "kit"
BIN = Path(os.sys.executable).parent


def workflow_runs(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text())
    steps = data["jobs"]["check"]["steps"]
    return {s["name"]: s["run"] for s in steps if "run" in s}


def hooks() -> dict[str, dict]:
    return {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


def test_the_workflow_installs_lints_and_builds_strictly():
    data = yaml.safe_load((KIT / "github-workflow.yml").read_text())
    runs = workflow_runs(KIT / "github-workflow.yml")
    assert list(runs) == ["Install the kb tools", "Lint the articles", "Build the site (strict)"]
    assert runs["Lint the articles"].split()[:3] == ["kb", "lint", "--strict"]
    assert runs["Build the site (strict)"].strip() == "mkdocs build --strict"
    assert data["jobs"]["check"]["env"]["KB_TOOLS"].startswith("kb-helpcenter @ ")
    uses = [s["uses"].split("@")[0] for s in data["jobs"]["check"]["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]


def test_the_hooks_and_the_example_config_agree():
    defined = hooks()
    assert defined["kb-lint"]["entry"] == "kb lint --strict"
    assert defined["kb-build"]["entry"].startswith("mkdocs build --strict")
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in defined.values())
    example = yaml.safe_load((KIT / "pre-commit-config.example.yaml").read_text())
    used = [h["id"] for repo in example["repos"] for h in repo["hooks"]]
    assert used == ["kb-lint", "kb-build"]
    # The hook ids a KB repository names must exist here.
    assert set(used) <= set(defined)


def test_init_ci_copies_the_kit_and_never_overwrites(tmp_path, capsys):
    assert main(["init-ci", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [str(tmp_path / ".github/workflows/kb.yml"), str(tmp_path / ".pre-commit-config.yaml")]
    assert (tmp_path / ".github/workflows/kb.yml").read_bytes() == (KIT / "github-workflow.yml").read_bytes()
    (tmp_path / ".pre-commit-config.yaml").write_text("mine")
    assert main(["init-ci", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"ERROR: {tmp_path / '.github/workflows/kb.yml'}, {tmp_path / '.pre-commit-config.yaml'}: "
        "already exists; nothing was written (merge kbtools/kit/ by hand)\n"
    )
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "mine"


@pytest.mark.slow
def test_the_kit_commands_pass_on_a_clean_kb_and_fail_on_a_broken_one(tmp_path):
    """Run the workflow's and the hooks' commands in a KB project, as CI and pre-commit would."""
    make_project(tmp_path, include_shipped=False)
    (tmp_path / "docs" / "guide").mkdir()
    (tmp_path / "docs" / "guide" / "start.md").write_text(
        "---\ntitle: Start here\ntype: how-to\ndescription: The first steps.\n---\n\n# Start here\n\n1. Begin.\n"
    )
    assert main(["init-ci", str(tmp_path)]) == 0
    runs = workflow_runs(tmp_path / ".github/workflows/kb.yml")
    commands = [runs["Lint the articles"], runs["Build the site (strict)"]]
    commands += [h["entry"] for h in hooks().values()]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", NO_MKDOCS_2_WARNING="1")

    def sh(cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-eo", "pipefail", "-c", cmd],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    for cmd in commands:
        res = sh(cmd)
        assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    # A warning fails the lint step too (kb lint --strict).
    (tmp_path / "docs" / "guide" / "start.md").write_text(
        "---\ntitle: Start here\ntype: how-to\ndescription: The first steps.\n---\n\n# Begin\n\n1. Begin.\n"
    )
    lint = sh(runs["Lint the articles"])
    assert lint.returncode == 1
    assert (
        "::warning file=docs/guide/start.md,line=2,title=KB219::the title 'Start here' and the heading '# Begin'"
        in lint.stdout
    )
    (tmp_path / "docs" / "guide" / "start.md").write_text(
        "---\ntitle: Start here\ntype: how-to\n---\n\n# Start here\n\nSee [setup](setup.md).\n"
    )
    lint = sh(runs["Lint the articles"])
    assert lint.returncode == 1
    assert (
        "::error file=docs/guide/start.md,line=8,title=KB203::link to a missing page 'setup.md'"
        in lint.stdout.splitlines()
    )
    assert sh(hooks()["kb-lint"]["entry"]).returncode == 1
    assert shlex.split(hooks()["kb-build"]["entry"])[:3] == ["mkdocs", "build", "--strict"]
    assert sh(hooks()["kb-build"]["entry"]).returncode != 0  # the strict build refuses the broken link too
