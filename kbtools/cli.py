"""The `kb` command: one place that turns errors into messages and exit codes.

Subcommands live in `kbtools.commands.*` and in the packages that register a `kb.commands`
entry point (`intake.cli`); they raise `KbError` for
anything a person got wrong, and this module prints `ERROR: ...` to stderr with the
error's exit code. A traceback is printed only with `--verbose` (or for a real bug).
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import click

from kbcore.problems import KbError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kb-helpcenter", prog_name="kb", message="%(prog)s %(version)s")
@click.option("--verbose", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Help-center tools for writers and support engineers."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def _register() -> None:
    from .commands import import_, init_ci, lint, new, search

    cli.add_command(new.new)
    cli.add_command(lint.lint)
    cli.add_command(init_ci.init_ci)
    cli.add_command(search.search)
    cli.add_command(import_.import_group)
    # Higher layers (`kb intake`, `kb desk`) add their groups through the `kb.commands` entry
    # points: this package never imports them.
    for ep in entry_points(group="kb.commands"):
        if ep.name not in cli.commands:
            cli.add_command(ep.load(), ep.name)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `kb` console script; returns the exit code."""
    _register()
    verbose = "--verbose" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode click returns `ctx.exit(n)`'s code instead of exiting.
        rc = cli.main(args=argv, prog_name="kb", standalone_mode=False)
    except KbError as exc:
        if verbose:
            raise
        click.echo(f"ERROR: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with `main()`'s code."""
    sys.exit(main())
