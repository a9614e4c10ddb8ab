"""Demo data."""

import click


@click.command("seed-demo")
def seed_demo() -> None:
    """Load demo data."""
