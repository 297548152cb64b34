"""`kb desk ...`: serve, migrate, export, report, user add, token add (entry point `kb.commands`).

Thin: each command validates its settings (`desk.config.load`, every problem at once) and
calls the desk's modules; `kbtools.cli` turns a `KbError` into `ERROR: ...` and an exit code.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from kbcore.problems import KbError

from . import config

DB_OPT = click.option(
    "--db",
    "db_url",
    default=config.DEFAULT_DB,
    show_default=True,
    envvar="KB_DESK_DB",
    help="sqlite:///FILE or postgresql://user:password@host/db (env KB_DESK_DB).",
)


@click.group()
def desk() -> None:
    """The desk: receive requests and votes, re-verify, store, forward (desk/README.md)."""


@desk.command()
@DB_OPT
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--site-origin",
    "origins",
    multiple=True,
    envvar="KB_DESK_SITE_ORIGIN",
    help="The site's origin allowed by CORS, e.g. https://help.example.com (repeatable).",
)
@click.option(
    "--forward",
    default="none",
    show_default=True,
    type=click.Choice(config.FORWARDERS),
    envvar="KB_DESK_FORWARD",
    help="Where stored requests go; credentials from the environment.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="Policy YAML or compiled policy JSON (default: the site's, else docs/_data/support-policy.yml).",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False),
    help="A built site: its compiled policy and its article ids (to flag votes for unknown ids).",
)
@click.option(
    "--kb-export",
    type=click.Path(dir_okay=False),
    help="The KB's article list (a built site's assets/kb/articles.json) for review dates, without --site.",
)
@click.option(
    "--rate-limit",
    default=config.Limits.rate,
    show_default=True,
    type=float,
    help="Requests per minute per client address (0: no limit).",
)
@click.option(
    "--max-attempts",
    default=config.Retry.max_attempts,
    show_default=True,
    type=int,
    help="Forwarding attempts before a request is dead-lettered.",
)
@click.option(
    "--retry-base",
    default=config.Retry.base_s,
    show_default=True,
    type=float,
    help="Seconds before the first retry; doubles each time.",
)
@click.option(
    "--forward-timeout",
    default=config.Retry.timeout_s,
    show_default=True,
    type=float,
    help="Seconds one forwarding attempt may take.",
)
def serve(
    db_url: str,
    host: str,
    port: int,
    origins: tuple[str, ...],
    forward: str,
    policy_file: str | None,
    site_dir: str | None,
    kb_export: str | None,
    rate_limit: float,
    max_attempts: int,
    retry_base: float,
    forward_timeout: float,
) -> None:
    """Migrate the database if needed and serve the desk's API with uvicorn."""
    import uvicorn

    from .app import create_app

    settings = config.load(
        db_url,
        origins,
        forward,
        policy_file,
        site_dir,
        limits=config.Limits(rate=rate_limit),
        retry=config.Retry(max_attempts=max_attempts, base_s=retry_base, timeout_s=forward_timeout),
        kb_export=kb_export,
    )
    revision = _migrate(settings.db_url)
    app = create_app(settings)
    click.echo(
        f"desk: database at revision {revision}; forwarding: {forward}; "
        f"site origins: {', '.join(origins) or 'none (no browser may call)'}",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)


@desk.command()
@DB_OPT
def migrate(db_url: str) -> None:
    """Create or upgrade the desk's tables to the latest revision."""
    settings = config.load(db_url)
    click.echo(f"{_redact(settings.db_url)}: at revision {_migrate(settings.db_url)}")


@desk.command()
@DB_OPT
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--what",
    type=click.Choice(["requests", "votes"]),
    default="requests",
    show_default=True,
    help="requests: every stored request; votes: votes per article (what `kb lint --feedback` reads).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write to this file (atomically) instead of standard output."
)
def export(db_url: str, fmt: str, what: str, out: str | None) -> None:
    """Every stored request, one JSON object a line: payload, desk classification, reference, events."""
    from .export import write_jsonl

    settings = config.load(db_url)
    _check_revision(settings.db_url)
    if out is None:
        n = write_jsonl(settings.db_url, sys.stdout, what)
    else:
        n = _atomic(Path(out), lambda f: write_jsonl(settings.db_url, f, what))
    click.echo(f"exported {n} {'request(s)' if what == 'requests' else 'article(s) with votes'}", err=True)


@desk.command()
@DB_OPT
@click.option("--out", required=True, type=click.Path(file_okay=False), help="The folder to write (replaced whole).")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="Policy YAML or compiled policy JSON (default: the site's, else docs/_data/support-policy.yml).",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False),
    help="A built site: its compiled policy and its article list (review dates).",
)
@click.option(
    "--kb-export",
    type=click.Path(dir_okay=False),
    help="The KB's article list (a built site's assets/kb/articles.json) when there is no --site.",
)
@click.option("--at", "at_text", metavar="ISO-8601", help="Report as of this moment (default: now); with a UTC offset.")
def report(
    db_url: str, out: str, policy_file: str | None, site_dir: str | None, kb_export: str | None, at_text: str | None
) -> None:
    """Write the staff report as a static folder (index.html, SVG plots, desk.css) for writers."""
    import datetime as dt

    from .receive import load_policy
    from .staff import report_page
    from .storage import Store, now

    try:
        at = dt.datetime.fromisoformat(at_text).astimezone(dt.UTC) if at_text else now()
    except ValueError:
        raise click.BadParameter(
            f"'{at_text}' is not an ISO 8601 time such as 2026-03-09T10:30:00-07:00", param_hint="--at"
        ) from None
    if at_text and dt.datetime.fromisoformat(at_text).tzinfo is None:
        raise click.BadParameter(f"'{at_text}' has no UTC offset (add one, e.g. -07:00 or Z)", param_hint="--at")
    settings = config.load(db_url, policy_file=policy_file, site_dir=site_dir, kb_export=kb_export)
    _check_revision(settings.db_url)
    store = Store(settings.db_url)
    try:
        files = report_page.write(Path(out), store, load_policy(settings), settings.kb_export or settings.site_dir, at)
    finally:
        store.close()
    click.echo(f"{out}: {', '.join(files)}", err=True)


@desk.group()
def user() -> None:
    """Staff accounts for the desk's pages (/desk/)."""


@user.command("add")
@click.argument("name")
@DB_OPT
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line) instead of asking."
)
def user_add(name: str, db_url: str, password_stdin: bool) -> None:
    """Add a staff account NAME; the password is asked twice (or read from standard input)."""
    from .staff.accounts import Accounts, check_name, check_password
    from .storage import Store

    check_name(name)
    settings = config.load(db_url)
    _migrate(settings.db_url)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_password(password)
    store = Store(settings.db_url)
    try:
        Accounts(store).add_user(name, password)
    finally:
        store.close()
    click.echo(f"staff account '{name}' added; sign in at /desk/", err=True)


@desk.group()
def token() -> None:
    """Read tokens for tools (kb lint --feedback URL): sent as Authorization: Bearer <token>."""


@token.command("add")
@click.argument("name")
@DB_OPT
def token_add(name: str, db_url: str) -> None:
    """Make a read token named NAME and print it once (the desk keeps only its hash)."""
    from .staff.accounts import Accounts
    from .storage import Store

    settings = config.load(db_url)
    _migrate(settings.db_url)
    store = Store(settings.db_url)
    try:
        click.echo(Accounts(store).add_read_token(name))
    finally:
        store.close()


def _check_revision(url: str) -> None:
    from .migrations import current, head

    at = _quiet(current, url)
    if at != head():
        raise KbError(
            f"{_redact(url)} is at revision {at or 'none'}, not {head()}: "
            "is it a desk database? (run `kb desk migrate` on it first)"
        )


def _migrate(url: str) -> str:
    from .migrations import upgrade

    return _quiet(upgrade, url)


def _quiet(fn: Any, url: str) -> Any:
    """Database errors as a sentence that names the database, not a driver traceback."""
    import sqlalchemy as sa

    try:
        return fn(url)
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise KbError(f"{_redact(url)}: cannot use the database: {reason}") from exc


def _atomic(path: Path, write: Any) -> int:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            n = write(f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return n


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url.split("@")[-1]
