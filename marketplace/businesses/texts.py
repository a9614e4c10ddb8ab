"""The business profile's free text in the reader's language.

The owner writes the profile in English (the business's own columns) and, where they wish, in
the other six languages (BusinessTranslation rows). A reader sees each field in their language,
or in English where it is not written yet, marked as such (see templates/macros/texts.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from marketplace.businesses.models import Business, BusinessTranslation
from marketplace.i18n import CONTENT_LOCALES

# The profile's text that is bound to a language; names, numbers, addresses and the export
# markets (countries, named in the reader's language: `countries`) are not.
TEXT_FIELDS = ("description", "monthly_capacity")
TRANSLATION_LOCALES = tuple(code for code in CONTENT_LOCALES if code != "en")


@dataclass(frozen=True)
class BusinessText:
    """The profile's text for a reader of `wanted`, with the language of each field."""

    wanted: str
    description: str = ""
    monthly_capacity: str = ""
    shown_in: Mapping[str, str] = field(default_factory=dict)  # fields in another language

    def lang(self, name: str) -> str:
        return self.shown_in.get(name, self.wanted)

    def fallback(self, name: str) -> bool:
        return bool(getattr(self, name)) and self.lang(name) != self.wanted

    @property
    def all_fallback(self) -> bool:
        shown = [name for name in TEXT_FIELDS if getattr(self, name)]
        return bool(shown) and all(self.fallback(name) for name in shown)


@dataclass(frozen=True)
class TranslationData:
    description: str = ""
    monthly_capacity: str = ""

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in TEXT_FIELDS)


def business_text(business: Business, locale: str) -> BusinessText:
    own = next((t for t in business.translations if t.locale == locale), None)
    values: dict[str, str] = {}
    shown_in: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = (getattr(own, name) or "").strip() if own is not None and locale != "en" else ""
        if not value:
            value = (getattr(business, name) or "").strip()
            if value and locale != "en":
                shown_in[name] = "en"
        values[name] = value
    return BusinessText(wanted=locale, shown_in=shown_in, **values)


def translation_values(business: Business) -> dict[str, dict[str, str]]:
    """The written translations, by language (for the form and the audit log)."""
    return {
        t.locale: {name: getattr(t, name) or "" for name in TEXT_FIELDS}
        for t in sorted(business.translations, key=lambda t: t.locale)
    }


def apply_translations(business: Business, texts: Mapping[str, TranslationData]) -> None:
    """A language left empty has no row; the owner's other languages are kept as given."""
    existing = {t.locale: t for t in business.translations}
    for locale in TRANSLATION_LOCALES:
        text = texts.get(locale)
        row = existing.get(locale)
        if text is None or text.empty:
            if row is not None:
                business.translations.remove(row)
            continue
        if row is None:
            row = BusinessTranslation(locale=locale)
            business.translations.append(row)
        row.description = text.description.strip()
        row.monthly_capacity = text.monthly_capacity.strip() or None
