"""`kb intake ...` (placeholder until the policy-engine issue lands)."""

import click


@click.group()
def intake() -> None:
    """Classify, verify and export support-request payloads."""
