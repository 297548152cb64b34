"""`kb new` (placeholder until its issue lands)."""

import click

from ..errors import KbError


@click.command()
@click.argument("args", nargs=-1)
def new(args: tuple[str, ...]) -> None:
    """Not implemented yet."""
    raise KbError("kb new is not implemented yet")
