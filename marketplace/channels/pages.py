"""What the channel pages of visitors and officers share: line-up cards and PDF responses."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response
from flask_babel import get_locale

from marketplace.channels.content import ProductText, product_text
from marketplace.channels.models import Channel, Nomination
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import ConvertedPrice, convert_with
from marketplace.products.models import Product, ProductImage


@dataclass(frozen=True)
class LineupCard:
    nomination: Nomination
    product: Product
    text: ProductText
    cover: ProductImage | None
    converted: ConvertedPrice | None


def reading_locale() -> str:
    """Product text is read in the page's language (see `marketplace.i18n`)."""
    return str(get_locale() or "en")


def cover_of(product: Product) -> ProductImage | None:
    if not product.images:
        return None
    return min(product.images, key=lambda image: (image.position, image.id))


def lineup_cards(
    channel: Channel, nominations: list[Nomination], rate: ExchangeRate | None
) -> list[LineupCard]:
    locale = reading_locale()
    cards = []
    for nomination in nominations:
        product = nomination.product
        converted = None
        if rate is not None and product.price_idr is not None:
            converted = convert_with(product.price_idr, rate)
        cards.append(
            LineupCard(
                nomination, product, product_text(product, locale), cover_of(product), converted
            )
        )
    return cards


def pdf_response(data: bytes, filename: str, *, private: bool = False) -> Response:
    """A PDF shown in the browser's viewer, saved under a sensible name; a `private` one (a
    staff sheet, a statement) is kept by no cache on the way."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response
