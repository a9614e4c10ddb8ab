"""Product text in a chosen language: the translation where one exists, otherwise English.

The canonical text of a product is English; ProductTranslation rows hold other languages.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.products.models import Product


@dataclass(frozen=True)
class ProductText:
    name: str
    description: str
    locale: str  # the language the text is actually in


def product_text(product: Product, locale: str | None) -> ProductText:
    if locale and locale != "en":
        for translation in product.translations:
            if translation.locale == locale and translation.name.strip():
                return ProductText(
                    translation.name, translation.description or product.description, locale
                )
    return ProductText(product.name, product.description, "en")
