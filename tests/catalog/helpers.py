"""Builders for catalog and search tests, on top of the storefront helpers: translations,
channel line-ups, interests. Like the factories, they add and flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from marketplace.accounts.models import Role
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel, Nomination, NominationStatus
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.products.models import Product, ProductTranslation
from marketplace.reference.models import PartnerCity
from tests.businesses.helpers import make_business, make_product
from tests.factories import make_user


def product(
    name: str,
    *,
    business: Business | None = None,
    description: str = "",
    translations: dict[str, tuple[str, str]] | None = None,
    **fields: Any,
) -> Product:
    """A published product of a verified business, with exactly the translations given (the
    storefront helper's Indonesian one is replaced, so no words are shared by accident)."""
    owner = business or make_business(name=f"Maker of {name}")
    made = make_product(owner, name=name, description=description, photos=0, **fields)
    made.translations.clear()
    db.session.flush()
    for locale, (text, body) in (translations or {}).items():
        made.translations.append(ProductTranslation(locale=locale, name=text, description=body))
    db.session.flush()
    return made


def channel(slug: str) -> Channel:
    """A channel of the seeded reference data."""
    return db.session.scalars(sa.select(Channel).where(Channel.slug == slug)).one()


def city(name: str) -> PartnerCity:
    return db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == name)).one()


def accept(item: Product, into: Channel) -> Nomination:
    nomination = Nomination(product=item, channel=into, status=NominationStatus.ACCEPTED)
    db.session.add(nomination)
    db.session.flush()
    return nomination


def add_interests(item: Product, count: int, status: InterestStatus = InterestStatus.NEW) -> None:
    for _ in range(count):
        db.session.add(Interest(buyer=make_user(Role.BUYER), product=item, status=status))
    db.session.flush()


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
