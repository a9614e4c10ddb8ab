"""`flask rebuild-reports`: recount the outcome reports' facts and daily sums from the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.db import db
from marketplace.office.rollups import rebuild


@click.command("rebuild-reports")
@with_appcontext
def rebuild_reports() -> None:
    """Recount what the outcome reports add up, from the interests and the product views (after
    a bulk import, or to pick up subsectors and countries changed since)."""
    with db.engine.begin() as connection:
        facts = rebuild(connection)
    click.echo(f"Recounted {facts} interests and the daily sums.")
