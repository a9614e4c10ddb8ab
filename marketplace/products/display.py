"""How products appear in pages: photo sources with their true sizes, and the text in the
reader's language with the other translations beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from marketplace.i18n import CONTENT_LOCALES
from marketplace.media.images import ORIGINAL, VARIANT_SIZES, image_key
from marketplace.products.models import Product, ProductImage


@dataclass(frozen=True)
class Source:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """The stored files of one photo, smallest first; the last is the normalised original."""

    sources: list[Source]

    def at_least(self, size: int) -> Source:
        """The smallest file whose longest side is at least `size` (else the original)."""
        for source in self.sources:
            if max(source.width, source.height) >= size:
                return source
        return self.sources[-1]

    @property
    def srcset(self) -> str:
        return ", ".join(f"{source.url} {source.width}w" for source in self.sources)


def _fit(width: int, height: int, longest: int) -> tuple[int, int]:
    # The same arithmetic the image processor uses to size each variant.
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def picture(image: ProductImage, build: Callable[..., str] = url_for) -> Picture:
    """Variants exist only for sizes below the original's longest side (never upscaled).
    `build` makes the addresses: `url_for` for the page, `public_url` for links shared outside."""
    sources = [
        Source(
            build("media.file", key=image_key(image.digest, size)),
            *_fit(image.width, image.height, size),
        )
        for size in sorted(VARIANT_SIZES)
        if size < max(image.width, image.height)
    ]
    sources.append(
        Source(
            build("media.file", key=image_key(image.digest, ORIGINAL)), image.width, image.height
        )
    )
    return Picture(sources)


@dataclass(frozen=True)
class Text:
    locale: str
    language: str
    name: str
    description: str


def texts(product: Product, locale: str) -> tuple[Text, list[Text]]:
    """The text to show in `locale` (English when there is no translation), and the others."""
    order = {code: n for n, code in enumerate(CONTENT_LOCALES)}
    all_texts = [Text("en", CONTENT_LOCALES["en"], product.name, product.description or "")]
    all_texts += [
        Text(t.locale, CONTENT_LOCALES.get(t.locale, t.locale), t.name, t.description or "")
        for t in sorted(product.translations, key=lambda t: order.get(t.locale, len(order)))
    ]
    main = next((text for text in all_texts if text.locale == locale), all_texts[0])
    return main, [text for text in all_texts if text is not main]
