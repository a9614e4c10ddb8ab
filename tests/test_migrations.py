"""The migrations are the only way the schema changes: they must build exactly the models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from marketplace.db import db

# Real commits: migrations run on connections of their own.
pytestmark = pytest.mark.committing


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


def test_every_connection_keeps_its_foreign_keys_after_migrating(app: Flask) -> None:
    """SQLite turns foreign keys off for the migrations (batch rebuilds); the connection they
    ran on goes back to the pool with them on again, or deletes stop cascading."""
    with app.app_context():
        upgrade()
        if db.engine.dialect.name != "sqlite":
            return
        # Pool declares no checkedin(); SQLite's file pool, a QueuePool, counts its idle ones.
        idle = db.engine.pool.checkedin()  # type: ignore[attr-defined]
        connections = [db.engine.connect() for _ in range(idle)]
        try:
            enforced = [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in connections]
        finally:
            for connection in connections:
                connection.close()
        assert idle >= 1 and enforced == [1] * idle


# What the last release ran; a database made by it must upgrade with its rows in place.
RELEASED = "f03111f5da4a"
ENUM_VALUES = {
    ("users", "role"): "msme",
    ("users", "status"): "active",
    ("users", "locale"): "id",
    ("businesses", "status"): "verified",
    ("businesses", "export_experience"): "none",
    ("products", "status"): "published",
}


def _filler(table: sa.Table, column: sa.Column[object], n: int) -> object:
    if (table.name, column.name) in ENUM_VALUES:
        return ENUM_VALUES[(table.name, column.name)]
    python_type = column.type.python_type
    if python_type is str:
        return f"{column.name}-{n}"[: getattr(column.type, "length", None) or 64]
    if python_type is bool:
        return False
    if python_type is int:
        return n
    if python_type is datetime:
        return datetime.now(UTC)
    raise AssertionError(f"no filler for {table.name}.{column.name}")


def _insert(connection: sa.Connection, name: str, n: int, **values: object) -> int:
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    row = dict(values)
    for column in table.columns:
        needed = not column.nullable and column.server_default is None
        if needed and column.name not in row and not column.primary_key:
            row[column.name] = _filler(table, column, n)
    return int(connection.execute(table.insert().values(row)).inserted_primary_key[0])


def test_a_database_of_the_last_release_upgrades_with_its_rows(app: Flask) -> None:
    """Batch migrations rebuild tables on SQLite; rows that refer to them (a business's
    products) must neither block the rebuild nor be lost, and the search trigger must stay."""
    with app.app_context():
        downgrade(revision=RELEASED)
        with db.engine.begin() as connection:
            owner = _insert(connection, "users", 1, email="owner@example.org")
            business = _insert(connection, "businesses", 1, owner_id=owner, nib="9120001234567")
            product = _insert(connection, "products", 1, business_id=business, slug="lamp")
            _insert(connection, "product_images", 1, product_id=product, digest="d" * 64)
        upgrade()
        assert _differences() == []
        with db.engine.connect() as connection:
            counts = [
                connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
                for name in ("users", "businesses", "products", "product_images")
            ]
            if connection.dialect.name == "sqlite":
                triggers = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).scalars()
                assert {
                    "search_products_forget_product",
                    "search_cjk_forget_product",
                    "search_words_add_grams",
                    "search_words_drop_grams",
                } <= set(triggers)
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert counts == [1, 1, 1, 1]


FORGIVING_SEARCH = "c4f1a9e2b7d3"


def _products_before_forgiving_search() -> None:
    with db.engine.begin() as connection:
        owner = _insert(connection, "users", 1, email="owner@example.org")
        business = _insert(connection, "businesses", 1, owner_id=owner, nib="9120001234567")
        product = _insert(connection, "products", 1, business_id=business, slug="basket")
        connection.execute(
            sa.text("UPDATE products SET name = 'Angklung' WHERE id = :id"), {"id": product}
        )
        connection.execute(
            sa.text(
                "INSERT INTO product_translations (product_id, locale, name, description)"
                " VALUES (:id, 'ko', '대나무바구니', '手工竹编')"
            ),
            {"id": product},
        )


def test_the_forgiving_search_migration_indexes_existing_products(app: Flask) -> None:
    """Products that exist before the trigram index and the vocabulary are found by a Korean
    word inside their name, and their words are suggested, right after the upgrade."""
    from marketplace.search.queries import search_products
    from marketplace.search.suggestions import suggest
    from marketplace.search.text import query_terms

    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        before = script.get_revision(FORGIVING_SEARCH).down_revision
        assert isinstance(before, str)
        downgrade(revision=before)
        try:
            _products_before_forgiving_search()
        finally:
            upgrade()
        found = db.session.execute(search_products(query_terms("바구니"), limit=5)).all()
        assert [row[0].slug for row in found] == ["basket"]
        assert len(db.session.execute(search_products(query_terms("竹编"), limit=5)).all()) == 1
        suggestion = suggest(db.session.connection(), query_terms("angklng"))
        assert suggestion is not None and suggestion.query == "angklung"
        db.session.rollback()


TIME_ZONES = "e3a9c1d4b726"


def test_the_time_zone_migration_gives_the_partner_cities_their_zones(app: Flask) -> None:
    """Partner cities that exist before the migration get their IANA zones; a city it does not
    know keeps none, and nobody has chosen a zone yet."""
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        before = script.get_revision(TIME_ZONES).down_revision
        assert isinstance(before, str)
        downgrade(revision=before)
        try:
            with db.engine.begin() as connection:
                table = sa.table("partner_cities", sa.column("name"))
                for n, city in enumerate(("Suwon", "Namur", "Hangzhou", "Atlantis"), start=1):
                    row = _insert(connection, "partner_cities", n)
                    connection.execute(
                        table.update().where(sa.column("id") == row).values(name=city)
                    )
                _insert(connection, "users", 1, email="buyer@example.kr")
        finally:
            upgrade()
        with db.engine.connect() as connection:
            zones = dict(
                connection.execute(sa.text("SELECT name, timezone FROM partner_cities")).all()
            )
            chosen = connection.execute(sa.text("SELECT timezone FROM users")).scalars().all()
        assert zones == {
            "Suwon": "Asia/Seoul",
            "Namur": "Europe/Brussels",
            "Hangzhou": "Asia/Shanghai",
            "Atlantis": None,
        }
        assert chosen == [None]


ESCALATIONS = "e4c3f5a6b7d8"


def test_interests_the_office_was_told_about_and_still_unanswered_enter_its_queue(
    app: Flask,
) -> None:
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        before = script.get_revision(ESCALATIONS).down_revision
        assert isinstance(before, str)
        downgrade(revision=before)
        told = datetime(2026, 11, 20, 8, tzinfo=UTC)
        try:
            with db.engine.begin() as connection:
                owner = _insert(connection, "users", 1, email="owner@example.org")
                buyer = _insert(connection, "users", 2, email="buyer@example.org", role="buyer")
                business = _insert(connection, "businesses", 1, owner_id=owner, nib="91200012")
                product = _insert(connection, "products", 1, business_id=business, slug="lamp")
                waiting = {"buyer_id": buyer, "product_id": product, "status": "new"}
                forgotten = _insert(connection, "interests", 1, **waiting, escalated_at=told)
                _insert(connection, "interests", 2, **waiting)  # not told yet
                _insert(
                    connection,
                    "interests",
                    3,
                    **{**waiting, "status": "replied"},
                    escalated_at=told,
                    first_reply_at=told,
                )
        finally:
            upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT interest_id, status, created_at FROM escalations")
            ).all()
        assert [(row[0], row[1]) for row in rows] == [(forgotten, "open")]
