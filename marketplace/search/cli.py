"""`flask search-reindex`: rebuild the product search index from the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.db import db
from marketplace.search.index import rebuild_index


@click.command("search-reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the product search index (after bulk changes made outside the application)."""
    with db.engine.begin() as connection:
        written = rebuild_index(connection)
    click.echo(f"Indexed {written} visible products.")
