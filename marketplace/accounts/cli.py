"""Command-line account management."""

import click


@click.command("create-user")
def create_user() -> None:
    """Create an account."""
