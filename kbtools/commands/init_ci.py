"""`kb init-ci [DIR]`: copy the CI kit (kbtools/kit/) into a KB repository.

Writes `.github/workflows/kb.yml` (GitHub Actions: install, `kb lint`, strict build) and
`.pre-commit-config.yaml` (the `kb-lint` and `kb-build` hooks of `.pre-commit-hooks.yaml`).
Never overwrites: when either file exists, nothing is written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from kbcore.problems import KbError

KIT = Path(__file__).resolve().parent.parent / "kit"
FILES = {
    "github-workflow.yml": Path(".github/workflows/kb.yml"),
    "pre-commit-config.example.yaml": Path(".pre-commit-config.yaml"),
}


@click.command("init-ci")
@click.argument("folder", default=".", required=False)
def init_ci(folder: str) -> None:
    """Add the GitHub Actions workflow and pre-commit config to the KB repository FOLDER."""
    root = Path(folder)
    if not root.is_dir():
        raise KbError(f"{folder}: no such folder")
    existing = [str(root / dest) for dest in FILES.values() if (root / dest).exists()]
    if existing:
        raise KbError(f"{', '.join(existing)}: already exists; nothing was written (merge kbtools/kit/ by hand)")
    for name, dest in FILES.items():
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(KIT / name, root / dest)
        click.echo(str(root / dest))
    click.echo("Next: set KB_TOOLS in the workflow and repo/rev in .pre-commit-config.yaml to where the kb tools live.")
