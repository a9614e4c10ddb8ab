"""`flask restore` puts back exactly what `flask backup` saw: every row of every table, the
search index, and every file, byte for byte; the application works on after it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.db import db
from tests.backup.conftest import Saved
from tests.backup.helpers import (
    database_rows,
    manifest,
    media_bytes,
    read_members,
    reseal,
    restore,
    schema_objects,
    write_members,
)
from tests.factories import make_user

# Real commits: restore replaces the database through connections of its own.
pytestmark = pytest.mark.committing


def _found(client: FlaskClient, word: str) -> str:
    response = client.get(f"/search?q={word}")
    assert response.status_code == 200
    html: str = response.get_data(as_text=True)
    return html


def test_restore_brings_back_every_row_and_every_file(app: Flask, saved: Saved) -> None:
    # The comparison covers the whole schema: every model's table, the migrations' own
    # table and the hand-written search index (FTS5 and its shadow tables on SQLite).
    expected_tables = {table.name for table in db.metadata.sorted_tables}
    assert expected_tables | {"alembic_version", "search_products"} <= saved.rows.keys()
    for table in ("users", "businesses", "products", "product_images", "interests"):
        assert saved.rows[table], table
    assert any(key.startswith("scans/") for key in saved.files)
    # The changes made after the backup are real.
    assert database_rows(app) != saved.rows
    assert media_bytes(app) != saved.files
    schema = schema_objects(app)

    result = restore(app, saved.archive, "--yes")

    assert result.exit_code == 0, result.output
    assert "Restored the database and the media files." in result.output
    assert database_rows(app) == saved.rows
    assert media_bytes(app) == saved.files
    # Indexes, constraints and triggers (the audit log's on PostgreSQL, the search index's
    # on SQLite) come back with the tables.
    assert schema_objects(app) == schema
    assert any("trigger" in str(row[0]) for row in schema)


def test_search_finds_the_restored_product_again(app: Flask, saved: Saved) -> None:
    client = app.test_client()
    assert saved.world.doomed_product_name not in _found(client, "lampshade")

    assert restore(app, saved.archive, "--yes").exit_code == 0

    assert saved.world.doomed_product_name in _found(client, "lampshade")


def test_the_restored_database_takes_new_rows(app: Flask, saved: Saved) -> None:
    """On PostgreSQL the sequences come back with the tables: a new account gets a new id."""
    assert restore(app, saved.archive, "--yes").exit_code == 0
    with app.app_context():
        highest = db.session.scalar(sa.select(sa.func.max(User.id)))
        user = make_user(Role.BUYER, email="after-restore@example.com")
        db.session.commit()
        assert highest is not None and user.id > highest


def test_restore_asks_first_and_no_changes_nothing(app: Flask, saved: Saved) -> None:
    rows, files = database_rows(app), media_bytes(app)

    refused = restore(app, saved.archive, confirm="n\n")

    assert refused.exit_code == 1
    assert "Replace the current database and media files with this backup?" in refused.output
    assert (database_rows(app), media_bytes(app)) == (rows, files)
    accepted = restore(app, saved.archive, confirm="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert database_rows(app) == saved.rows


def test_a_table_added_after_the_backup_never_survives_it(app: Flask, saved: Saved) -> None:
    """SQLite replaces the whole file; pg_restore would leave the table behind, so PostgreSQL
    refuses (a backup older than the schema goes into an empty database)."""
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE added_later (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO added_later (id) VALUES (1)")
        dialect = connection.dialect.name
    try:
        before = database_rows(app), media_bytes(app)
        result = restore(app, saved.archive, "--yes")
        if dialect == "sqlite":
            assert result.exit_code == 0, result.output
            assert database_rows(app) == saved.rows
        else:
            assert result.exit_code == 1
            assert "tables the archive does not (added_later)" in result.output
            assert (database_rows(app), media_bytes(app)) == before
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS added_later")


def test_an_sqlite_file_of_another_page_size_is_restored(
    app: Flask, saved: Saved, tmp_path: Path
) -> None:
    """A database in WAL mode takes a copy only of its own page size; another machine's
    SQLite may have made the backup with another one."""
    members = read_members(saved.archive)
    if manifest(members)["dialect"] != "sqlite":
        pytest.skip("page sizes are an SQLite matter")
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(members["database.sqlite3"])
    with sqlite3.connect(copy, isolation_level=None) as connection:
        connection.execute("PRAGMA page_size=8192")
        connection.execute("VACUUM")
    connection.close()
    members["database.sqlite3"] = copy.read_bytes()
    reseal(members)

    result = restore(app, write_members(tmp_path / "other.tar.gz", members), "--yes")

    assert result.exit_code == 0, result.output
    assert database_rows(app) == saved.rows
    assert media_bytes(app) == saved.files
