"""Builders for channel tests: a fair with its partner city, nominated and accepted products.

Like the factories, they add and flush; the caller commits.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from PIL import Image

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business
from marketplace.channels import curation
from marketplace.channels.models import Channel, ChannelKind, ChannelStatus, Nomination
from marketplace.db import db
from marketplace.ledger.models import ExchangeRate
from marketplace.media.backend import current_storage
from marketplace.media.images import store_image
from marketplace.periods import bandung_today
from marketplace.products.models import Product, ProductImage, ProductTranslation
from marketplace.reference.models import PartnerCity
from marketplace.slugs import unique_slug
from tests.businesses.helpers import make_business, make_product
from tests.factories import make_user

# A browser that asks for English: without one, a channel's page speaks the channel's language.
ENGLISH = {"Accept-Language": "en"}


def harz_und_heide(capacity: int | None = 3, **fields: Any) -> Channel:
    """The seeded Harz und Heide channel (reference data must be loaded), opened with `capacity`."""
    return seeded_channel("harz-und-heide", capacity, **fields)


def little_bandung(capacity: int | None = None, **fields: Any) -> Channel:
    """The seeded Little Bandung showroom in Seoul (Korean, won), opened with `capacity`."""
    return seeded_channel("little-bandung", capacity, **fields)


def seeded_channel(slug: str, capacity: int | None, **fields: Any) -> Channel:
    channel = db.session.scalar(sa.select(Channel).where(Channel.slug == slug))
    assert channel is not None, "load the reference data first"
    channel.capacity = capacity
    channel.status = ChannelStatus.OPEN
    for name, value in fields.items():
        setattr(channel, name, value)
    db.session.flush()
    return channel


def make_channel(
    name: str = "Little Bandung Paris",
    *,
    kind: ChannelKind = ChannelKind.SHOWROOM,
    status: ChannelStatus = ChannelStatus.OPEN,
    partner_city: PartnerCity | None = None,
    **fields: Any,
) -> Channel:
    values: dict[str, Any] = {
        "city": "Paris",
        "country_code": "FR",
        "locale": "fr",
        "currency": "EUR",
        "description": "A product wall in a café.",
    }
    values.update(fields)
    channel = Channel(
        slug=unique_slug(Channel.slug, name, "channel"),
        name=name,
        kind=kind,
        status=status,
        partner_city=partner_city,
        **values,
    )
    db.session.add(channel)
    db.session.flush()
    return channel


def make_officer(name: str | None = None) -> User:
    return make_user(Role.OFFICER, name=name)


def owner_with_products(
    count: int, business: Business | None = None, **fields: Any
) -> list[Product]:
    """`count` published products of one verified business."""
    business = business or make_business(name=f"Kriya {count}")
    return [make_product(business, name=f"Bamboo lamp {n}", **fields) for n in range(1, count + 1)]


def nominate_all(products: list[Product], channel: Channel) -> list[Nomination]:
    return [curation.nominate(p, p.business.owner, channel, "For the fair.") for p in products]


def accept(officer: User, nomination: Nomination, reason: str = "Fits the fair.") -> Nomination:
    return curation.decide_nomination(nomination, officer, True, reason)


def set_rate(currency: str, idr_per_unit: str, effective_on: date) -> ExchangeRate:
    rate = ExchangeRate(
        currency=currency, idr_per_unit=Decimal(idr_per_unit), effective_on=effective_on
    )
    db.session.add(rate)
    db.session.flush()
    return rate


def add_translation(product: Product, locale: str, name: str, description: str = "") -> None:
    product.translations.append(
        ProductTranslation(locale=locale, name=name, description=description)
    )
    db.session.flush()


def real_photo(product: Product, seed: int = 1) -> ProductImage:
    """Store a real photo (files on disk) as the product's cover, replacing fake photo rows."""
    pixels = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    noise = Image.effect_noise((900, 600), 20 + seed).convert("RGB")
    out = io.BytesIO()
    Image.blend(pixels, noise, 0.3).save(out, "JPEG", quality=85)
    processed = store_image(current_storage(), out.getvalue())
    product.images.clear()
    db.session.flush()
    image = ProductImage(
        digest=processed.digest, width=processed.width, height=processed.height, position=0
    )
    product.images.append(image)
    db.session.flush()
    return image


def yesterday() -> date:
    return bandung_today() - timedelta(days=1)
