"""`kb lint [PATH]`: check a KB the way the build will, and say everything at once.

The checks are `kbtools.lint`; this module reads the options, prints, and picks the exit
code: 1 when there is an error (or, with `--strict`, any warning), else 0.
"""

from __future__ import annotations

import datetime as dt

import click

from kbcore.problems import KbError

from .. import lint as kblint
from ..lint import feedback


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written YYYY-MM-DD") from None


@click.command()
@click.argument("path", required=False)
@click.option(
    "-f", "--config-file", help="The mkdocs.yml to read (default: ./mkdocs.yml, or the one whose docs_dir is PATH)."
)
@click.option(
    "--policy",
    help="Support policy file with the products (default: plugins.kb.policy_file, or PATH/_data/support-policy.yml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="json: a list of problems; github: annotations for GitHub Actions.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--orphans", is_flag=True, help="Also report published articles no other article links to (KB207).")
@click.option(
    "--feedback",
    "feedback_src",
    metavar="DESK_URL_OR_EXPORT",
    help="Votes from the desk: its URL (read token in KB_DESK_TOKEN) or a `kb desk export --what votes` "
    "file; articles often found not helpful get KB218.",
)
@click.option("--today", callback=_date, metavar="YYYY-MM-DD", help="Date for review_by checks (default: today).")
@click.pass_context
def lint(
    ctx: click.Context,
    path: str | None,
    config_file: str | None,
    policy: str | None,
    fmt: str,
    strict: bool,
    orphans: bool,
    feedback_src: str | None,
    today: dt.date | None,
) -> None:
    """Check the KB in PATH (a folder of Markdown; default: docs_dir of ./mkdocs.yml).

    Prints every problem as `path:line: CODE message`, then a summary line.
    """
    source = kblint.locate(path, config_file, policy)
    votes = feedback.load(feedback_src) if feedback_src else None
    try:
        report = kblint.lint(source, today=today, orphans=orphans, votes=votes)
    except RecursionError:  # pragma: no cover - pathological nesting; say so instead of a traceback
        raise KbError(f"{source.docs_dir}: folders nested too deeply to lint") from None
    if fmt == "json":
        click.echo(kblint.format_json(report), nl=False)
        click.echo(kblint.summary(report), err=True)
    elif fmt == "github":
        click.echo(kblint.format_github(report), nl=False)
    else:
        click.echo(kblint.format_text(report), nl=False)
    if report.errors or (strict and report.warnings):
        ctx.exit(1)
