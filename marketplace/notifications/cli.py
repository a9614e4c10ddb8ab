"""Outbox commands."""

import click


@click.command("outbox")
def outbox() -> None:
    """List pending mail."""
