"""`kb import zendesk EXPORT_DIR --to docs/`: move a Zendesk help center into the KB.

Reads the options, runs the plan (`kbtools.importers.zendesk`) and the sync
(`kbtools.importers.sync`), prints every problem and a summary, and writes the JSON report.
Exit code 1 only when nothing usable came out of the export (no article could be imported);
problems with single articles, attachments or links are reported and the rest is imported.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import click

from kbcore.problems import KbError

from ..importers.sync import MANIFEST, REPORT, Manifest, Sync, load_manifest
from ..importers.zendesk import Finding, plan_import

ACTION_WORDS = {
    "new": "new",
    "updated": "updated",
    "moved": "moved",
    "unchanged": "unchanged",
    "adopted": "already there",
    "kept": "kept with local edits",
    "beside": "written beside a local edit",
    "deleted-here": "deleted here, not re-created",
    "removed": "removed (no longer used)",
    "gone": "no longer in the export",
    "refused": "refused",
}


@click.group("import")
def import_group() -> None:
    """Bring articles from another help center into the KB."""


@import_group.command("zendesk")
@click.argument("export_dir", metavar="EXPORT_DIR")
@click.option("--to", "to", required=True, metavar="DIR", help="The KB folder to write into (usually docs/).")
@click.option(
    "--locale",
    metavar="LOCALE",
    help="Language to import, e.g. en-us (default: the previous import's, else the articles' own).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option(
    "--report",
    "report_path",
    metavar="FILE",
    help=f"Where to write the JSON report (default: DIR/{REPORT}; with --dry-run: none).",
)
def zendesk(export_dir: str, to: str, locale: str | None, dry_run: bool, report_path: str | None) -> None:
    """Import the Zendesk Help Center export in EXPORT_DIR into the folder given by --to.

    Writes category/section folders of Markdown with front matter, the attachments next to
    their articles, and a manifest (DIR/.zendesk-import.json) that makes running it again
    safe: unchanged files are left alone, local edits are never overwritten.
    """
    export = Path(export_dir)
    target = Path(to)
    if not export.is_dir():
        raise KbError(f"{export_dir}: {'not a folder' if export.exists() else 'no such folder'} (the Zendesk export)")
    if target.exists() and not target.is_dir():
        raise KbError(f"{to}: not a folder (--to)")
    manifest = load_manifest(target) if target.is_dir() else Manifest(target / MANIFEST)
    if locale and manifest.locale and locale != manifest.locale:
        raise KbError(f"{to}: holds an import of '{manifest.locale}'; import '{locale}' into another folder")
    plan = plan_import(export, target, locale or manifest.locale, manifest.md_paths(), display=export_dir)
    if not plan.usable:
        _print(plan.findings)
        raise NothingImported(
            f"nothing imported from {export_dir}: no usable article "
            f"({len(plan.findings)} problem(s) above); nothing was written"
        )
    if not dry_run:
        target.mkdir(parents=True, exist_ok=True)
    sync = Sync(target, manifest, dry_run)
    sync.run(plan)
    findings = plan.findings + sync.findings
    _print(findings)
    counts = Counter(a.action for a in sync.actions)
    if dry_run:
        for a in sync.actions:
            if a.action != "unchanged":
                click.echo(f"would be {ACTION_WORDS[a.action]}: {os.path.join(to, a.path)}")
    errors = sum(f.problem.severity == "error" for f in findings)
    click.echo(
        f"kb import zendesk: {plan.articles} article(s) ({plan.drafts} draft(s), {plan.promoted} promoted), "
        f"{plan.sections} section(s), {plan.categories} categor{'y' if plan.categories == 1 else 'ies'} "
        f"in '{plan.locale}'; {plan.skipped} article(s) not imported"
    )
    files = ", ".join(f"{n} {ACTION_WORDS[k]}" for k, n in sorted(counts.items()))
    click.echo(f"  files{' (dry run, nothing written)' if dry_run else ''}: {files or 'none'}")
    report = Path(report_path) if report_path else (None if dry_run else target / REPORT)
    if report is not None:
        _write_report(report, export_dir, to, plan.locale, dry_run, counts, sync, findings)
    click.echo(
        f"  {errors} error(s), {len(findings) - errors} warning(s)"
        + (f"; report: {report}" if report is not None else "")
    )


class NothingImported(KbError):
    exit_code = 1


def _print(findings: list[Finding]) -> None:
    for f in sorted(findings, key=lambda f: f.problem):
        click.echo(str(f.problem))


def _write_report(
    path: Path,
    export_dir: str,
    to: str,
    locale: str,
    dry_run: bool,
    counts: Counter[str],
    sync: Sync,
    findings: list[Finding],
) -> None:
    data = {
        "format": "kb-zendesk-import-report",
        "version": 1,
        "export": export_dir,
        "to": to,
        "locale": locale,
        "dry_run": dry_run,
        "counts": dict(sorted(counts.items())),
        "problems": [f.as_dict() for f in sorted(findings, key=lambda f: f.problem)],
        "actions": [a.as_dict() for a in sync.actions if a.action != "unchanged"],
    }
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise KbError(f"{path}: is a symbolic link: the report was not written")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise KbError(f"{path}: cannot write the report: {exc.strerror}") from None
