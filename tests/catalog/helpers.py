"""Helpers for catalog and search tests: the seeded channels and cities by name, and counting
the statements a page runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
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
