"""`kb search` (placeholder until its issue lands)."""

import click

from ..errors import KbError


@click.command()
@click.argument("args", nargs=-1)
def search(args: tuple[str, ...]) -> None:
    """Not implemented yet."""
    raise KbError("kb search is not implemented yet")
