"""`kb intake ...`: check, compile, classify, verify, export, and print the outcome table.

Thin: every command calls the `intake` API and raises `KbError`s; `kbtools.cli` turns them
into `ERROR: ...` and exit codes (policy problems 1, verify differences 1, payload or
answers that cannot be checked 2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kbcore.problems import has_errors

POLICY_OPT = click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="Policy YAML, or a compiled policy JSON (default: docs/_data/support-policy.yml).",
)


def _policy(policy_file: str | None) -> dict:
    from . import compiled_policy

    return compiled_policy(policy_file)


def _read(path: str, what: str):
    from .errors import PayloadError
    from .payload import parse

    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise PayloadError([("$", f"cannot read {path}: {exc.strerror}")], what) from exc
    return parse(raw, what)


@click.group()
def intake() -> None:
    """Check the support policy; classify, verify and export support-request payloads."""


@intake.command()
@click.argument("policy_file", required=False, type=click.Path(dir_okay=False))
def check(policy_file: str | None) -> None:
    """Check the policy file and report every problem (file:line: CODE key: message)."""
    from . import policy_path
    from .checks import check_policy
    from .errors import PolicyError

    problems = check_policy(policy_file or policy_path())
    if has_errors(problems):
        raise PolicyError(problems)
    for p in problems:
        click.echo(str(p), err=True)
    click.echo(f"{policy_file or policy_path()}: policy OK")


@intake.command(name="compile")
@POLICY_OPT
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
def compile_cmd(policy_file: str | None, out: str | None) -> None:
    """Print (or write) the compiled policy JSON that the browser engine reads."""
    from .compiler import to_bytes

    data = to_bytes(_policy(policy_file))
    if out:
        Path(out).write_bytes(data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@intake.command()
@click.argument("answers_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--at", "at", help="Submission time, ISO 8601 with offset (default: now).")
@POLICY_OPT
def classify(answers_file: str, at: str | None, policy_file: str | None) -> None:
    """Classify ANSWERS.json and print the classification as JSON."""
    import datetime as dt

    from . import classify as _classify

    answers = _read(answers_file, "answers")
    when = at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    click.echo(json.dumps(_classify(answers, when, _policy(policy_file)), indent=2, ensure_ascii=False))


@intake.command()
@click.argument("payload_file", type=click.Path(dir_okay=False, allow_dash=True))
@POLICY_OPT
def verify(payload_file: str, policy_file: str | None) -> None:
    """Validate PAYLOAD.json (schema version 1 or 2) and check it against the policy: exit 0
    agrees, 1 differences, 2 invalid."""
    from . import verify as _verify
    from .errors import PayloadDiffers

    payload = _read(payload_file, "payload")
    diffs = _verify(payload, _policy(policy_file))
    if diffs:
        raise PayloadDiffers(diffs)
    click.echo(f"{payload_file}: payload agrees with policy {payload['policy']['version']}")


@intake.command()
@click.option("--to", "to", required=True, type=click.Choice(["zendesk", "jira", "email"]))
@click.option("--force", is_flag=True, help="Export a payload that does not agree with the policy, marked UNVERIFIED.")
@click.argument("payload_file", type=click.Path(dir_okay=False, allow_dash=True))
@POLICY_OPT
def export(to: str, force: bool, payload_file: str, policy_file: str | None) -> None:
    """Verify PAYLOAD.json, then print a Zendesk ticket, a Jira Service Management request, or an
    RFC 5322 message (exit 1 without output when it does not verify, unless --force)."""
    from . import export as _export

    click.echo(_export(_read(payload_file, "payload"), to, _policy(policy_file), force=force), nl=to != "email")


@intake.command()
@POLICY_OPT
def table(policy_file: str | None) -> None:
    """Print the full outcome table of the policy."""
    from .table import outcome_table

    click.echo(outcome_table(_policy(policy_file)), nl=False)
