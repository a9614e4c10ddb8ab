"""The migration that made export markets a list of countries keeps what owners wrote: every
country it recognises (by its name in any of the seven languages, or its code, in any case)
becomes its code, and every word it does not is kept for the owner to choose again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from marketplace.db import db
from tests.test_migrations import _differences, _insert

pytestmark = pytest.mark.committing

BEFORE = "a4d8c6e2f917"
TEXTS = {
    "9120000000001": "Japan, the Netherlands (through a Jakarta exporter)",
    "9120000000002": "malaysia; SG / jepang",
    "9120000000003": "Europe and USA",
    "9120000000004": None,
}


def _old_businesses() -> None:
    with db.engine.begin() as connection:
        for n, (nib, text) in enumerate(TEXTS.items(), start=1):
            owner = _insert(connection, "users", n, email=f"owner{n}@example.org")
            business = _insert(
                connection, "businesses", n, owner_id=owner, nib=nib, export_markets=text
            )
            if n == 1:
                for locale, translated in (
                    ("id", "Jepang, Belanda, Korea Selatan"),
                    ("de", "Japan, Niederlande (über einen Exporteur in Jakarta)"),
                ):
                    connection.execute(
                        sa.text(
                            "INSERT INTO business_translations"
                            " (business_id, locale, description, export_markets)"
                            " VALUES (:id, :locale, '', :text)"
                        ),
                        {"id": business, "locale": locale, "text": translated},
                    )


def _markets() -> dict[str, tuple[list[str], str | None]]:
    rows = db.session.execute(
        sa.text("SELECT nib, export_markets, export_markets_note FROM businesses ORDER BY nib")
    ).all()
    # SQLite hands JSON back as its text, PostgreSQL as the list.
    return {
        nib: (json.loads(codes) if isinstance(codes, str) else codes, note)
        for nib, codes, note in rows
    }


def test_free_text_becomes_country_codes_and_the_rest_is_kept(app: Flask) -> None:
    with app.app_context():
        downgrade(revision=BEFORE)
        try:
            _old_businesses()
        finally:
            upgrade()
        assert _differences() == []
        markets = _markets()
        db.session.rollback()
    assert markets == {
        # The Indonesian copy named South Korea too; what names no country stays, with the
        # language it was written in.
        "9120000000001": (
            ["JP", "KR", "NL"],
            "the Netherlands (through a Jakarta exporter)\n"
            "[de] Niederlande (über einen Exporteur in Jakarta)",
        ),
        "9120000000002": (["JP", "MY", "SG"], None),
        "9120000000003": (["US"], "Europe"),
        "9120000000004": ([], None),
    }


def test_downgrading_writes_the_countries_back_as_text(app: Flask) -> None:
    with app.app_context():
        downgrade(revision=BEFORE)
        try:
            _old_businesses()
            upgrade()
            downgrade(revision=BEFORE)
            texts = dict(
                db.session.execute(sa.text("SELECT nib, export_markets FROM businesses")).all()
            )
            db.session.rollback()
        finally:
            upgrade()
    assert texts["9120000000002"] == "Japan, Malaysia, Singapore"
    assert texts["9120000000003"] == "United States, Europe"
    assert texts["9120000000004"] is None
