"""The migrations are the only way the schema changes: they must build exactly the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from marketplace.db import db


def _kept_by_the_models(name: str | None, type_: str, _parents: object) -> bool:
    """Like migrations/env.py: search_* tables (and FTS5's shadow tables) are kept by hand."""
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def _differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_name": _kept_by_the_models,
            },
        )
        return list(compare_metadata(context, db.metadata))


def test_migrations_build_the_models_schema(app: Flask) -> None:
    with app.app_context():
        assert _differences() == []


def test_downgrade_to_empty_then_upgrade_again(app: Flask) -> None:
    with app.app_context():
        downgrade(revision="base")
        with db.engine.connect() as connection:
            remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        assert _differences() == []
