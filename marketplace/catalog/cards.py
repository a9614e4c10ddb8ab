"""What a result card shows: the name in the reader's language, the cover photo, a snippet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from marketplace.products import display
from marketplace.products.models import Product
from marketplace.products.photos import ordered
from marketplace.search.snippets import Snippet, best_snippet, highlight
from marketplace.search.text import Term

COVER_SIZE = 320  # the file the src attribute names; srcset offers the larger ones


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
