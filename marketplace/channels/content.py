"""Product text in a chosen language: field by field the translation where one exists,
otherwise English (see `products.display.texts`).

The canonical text of a product is English; ProductTranslation rows hold other languages.
"""

from __future__ import annotations

from marketplace.products.display import Text as ProductText
from marketplace.products.display import texts
from marketplace.products.models import Product

__all__ = ["ProductText", "product_text"]


def product_text(product: Product, locale: str | None) -> ProductText:
    return texts(product, locale or "en")[0]
