"""How products appear in pages: photo sources with their true sizes, and the text in the
reader's language with the other translations beside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import get_locale

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


# The texts an owner writes per language; dimensions, weight and the export facts are not
# bound to a language.
TEXT_FIELDS = ("name", "description", "materials", "story")


@dataclass(frozen=True)
class Text:
    """A product's texts in one language.

    The reader's text (the first of `texts()`) is filled field by field: where the reader's
    language has no text for a field, the English one stands in, and `lang(field)` says so,
    for the page to mark it (`lang="en"`) and to tell the reader (`fallback`)."""

    locale: str  # the language of the name
    language: str
    name: str
    description: str = ""
    materials: str = ""
    story: str = ""
    wanted: str = ""  # the language asked for; for the other languages' texts, `locale`
    shown_in: Mapping[str, str] = field(default_factory=dict)  # fields in another language

    def lang(self, name: str) -> str:
        """The language the field's text is in."""
        return self.shown_in.get(name, self.wanted or self.locale)

    def fallback(self, name: str) -> bool:
        """A text is shown in this field, in another language than the reader's."""
        return bool(getattr(self, name)) and self.lang(name) != (self.wanted or self.locale)

    @property
    def all_fallback(self) -> bool:
        """Every field shown is in another language: one notice says it for the whole."""
        shown = [name for name in TEXT_FIELDS if getattr(self, name)]
        return bool(shown) and all(self.fallback(name) for name in shown)


def _text(
    locale: str, name: str, description: str | None, materials: str | None, story: str | None
) -> Text:
    return Text(
        locale,
        CONTENT_LOCALES.get(locale, locale),
        name,
        (description or "").strip(),
        (materials or "").strip(),
        (story or "").strip(),
        wanted=locale,
    )


def written(product: Product) -> list[Text]:
    """The texts as the owner wrote them, English first, then the translations in the order
    of the languages."""
    order = {code: n for n, code in enumerate(CONTENT_LOCALES)}
    english = _text("en", product.name, product.description, product.materials, product.story)
    return [english] + [
        _text(t.locale, t.name, t.description, t.materials, t.story)
        for t in sorted(product.translations, key=lambda t: order.get(t.locale, len(order)))
    ]


def texts(product: Product, locale: str) -> tuple[Text, list[Text]]:
    """The texts to show in `locale`, each field in English where `locale` has none, and the
    texts of the other languages (for the page's "in other languages")."""
    all_texts = written(product)
    english = all_texts[0]
    own = next((text for text in all_texts if text.locale == locale), None)
    values: dict[str, str] = {}
    shown_in: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = getattr(own, name) if own is not None else ""
        if not value.strip():
            value = getattr(english, name)
            if value:
                shown_in[name] = "en"
        values[name] = value
    main_locale = own.locale if own is not None else "en"
    main = Text(
        main_locale,
        CONTENT_LOCALES.get(main_locale, main_locale),
        wanted=locale,
        shown_in=shown_in,
        **values,
    )
    return main, [text for text in all_texts if text.locale != main_locale]


def product_text(product: Product) -> Text:
    """The product's texts in the page's language, field by field (see `texts`)."""
    return texts(product, str(get_locale() or "en"))[0]
