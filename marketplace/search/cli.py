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
        if connection.dialect.name == "sqlite":
            # FTS5 merges its segments over and over while it is filled; with SQLite's default
            # 2 MB page cache each merge reads them back from the file. This process ends after.
            connection.exec_driver_sql("PRAGMA cache_size = -524288")
        written = rebuild_index(connection)
    click.echo(f"Indexed {written} visible products.")
