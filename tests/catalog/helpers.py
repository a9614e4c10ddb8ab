"""Helpers for catalog and search tests: the seeded channels and cities by name, and counting
the statements a page runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.reference.models import PartnerCity


def channel(slug: str) -> Channel:
    """A channel of the seeded reference data."""
    return db.session.scalars(sa.select(Channel).where(Channel.slug == slug)).one()


def city(name: str) -> PartnerCity:
    return db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == name)).one()


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every SQL statement the application's engine runs inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def page_statements(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    """How many statements the page at `url` runs when it is made from nothing (the page cache
    and the pieces kept are left out for this request: a page or a card found there runs none),
    and its HTML; it must answer 200."""
    settings = ("PAGE_CACHE_ENABLED", "FRAGMENT_CACHE_ENABLED")
    kept = {name: app.config.get(name, True) for name in settings}
    app.config.update(dict.fromkeys(settings, False))
    try:
        with app.app_context():
            with count_statements() as statements:
                response = client.get(url)
    finally:
        app.config.update(kept)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)
