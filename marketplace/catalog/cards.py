"""What a result card shows: the name in the reader's language, the cover photo, a snippet.

Cards are pieces (`marketplace.fragments`): a page chooses its products' ids, and each card is
taken as it was kept, or rendered (`catalog/_card.html`) from the products read for the ones
missing, which is where a catalog, search or home page spends most of its time otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup

from marketplace import fragments
from marketplace.catalog.queries import card_options
from marketplace.db import db
from marketplace.i18n import page_locale
from marketplace.products import display
from marketplace.products.models import Product
from marketplace.products.photos import ordered
from marketplace.search.snippets import Snippet, best_snippet, highlight
from marketplace.search.text import Term, typed

COVER_SIZE = 320  # the file the src attribute names; srcset offers the larger ones
CARD_TEMPLATE = "catalog/_card.html"


@dataclass(frozen=True)
class Card:
    product: Product
    name: Markup  # in the reader's language, search words marked
    locale: str  # the language the name is in
    picture: display.Picture | None
    cover: display.Source | None
    alt: str
    snippet: Snippet | None


def make_cards(products: Sequence[Product], locale: str, terms: Sequence[Term] = ()) -> list[Card]:
    """Cards from products whose images, business and translations are already loaded."""
    cards = []
    for product in products:
        text, _others = display.texts(product, locale)
        images = ordered(product)
        image = images[0] if images else None
        picture = display.picture(image) if image else None
        cards.append(
            Card(
                product=product,
                name=highlight(text.name, terms),
                locale=text.locale,
                picture=picture,
                cover=picture.at_least(COVER_SIZE) if picture else None,
                alt=(image.alt_text if image and image.alt_text else text.name),
                snippet=best_snippet(product, terms, locale) if terms else None,
            )
        )
    return cards


def card_pieces(ids: Sequence[int], terms: Sequence[Term] = ()) -> list[Markup]:
    """The cards of the products `ids`, in that order, with `terms` marked (a search's)."""
    locale = page_locale()

    def render(missing: list[int]) -> Mapping[int, Markup]:
        products = db.session.scalars(
            sa.select(Product).where(Product.id.in_(missing)).options(*card_options())
        ).unique()
        card = fragments.macro(CARD_TEMPLATE, "card")
        return {c.product.id: Markup(card(c)) for c in make_cards(list(products), locale, terms)}

    return fragments.kept_many("card", ids, [typed(terms)], render)
