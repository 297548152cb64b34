"""`kb lint` (placeholder until its issue lands)."""

import click

from ..errors import KbError


@click.command()
@click.argument("args", nargs=-1)
def lint(args: tuple[str, ...]) -> None:
    """Not implemented yet."""
    raise KbError("kb lint is not implemented yet")
