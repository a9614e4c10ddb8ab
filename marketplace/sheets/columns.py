"""The columns of a product sheet: each named as the product form names its field, in English
or in Indonesian, with a note saying what it takes.

A column's key is the product form's field (`products.forms.ProductForm`), so a row is read by
the form itself; "code" is the sheet's own: the product's slug, which the export writes and
which makes a row change that product rather than add one. Photos and certifications are not
in the sheet: they are added on the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.db import db
from marketplace.i18n import CONTENT_LOCALES
from marketplace.products.services import TRANSLATION_LOCALES
from marketplace.reference.loader import units
from marketplace.reference.models import Subsector
from marketplace.units import unit_label

# The languages a sheet is written in: an MSME owner reads one of them.
SHEET_LOCALES = ("id", "en")
CODE = "code"


@dataclass(frozen=True)
class Column:
    """`key`: the form's field; `attribute` of the product, or of its translation in `locale`."""

    key: str
    header: Callable[[], str]
    note: Callable[[], str]
    locale: str | None = None

    @property
    def attribute(self) -> str:
        return self.key.removesuffix(f"_{self.locale}") if self.locale else self.key


def _text(message: LazyString) -> Callable[[], str]:
    return lambda: str(message)


def _subsectors() -> str:
    rows = db.session.scalars(sa.select(Subsector).order_by(Subsector.code)).all()
    locale = str(get_locale() or "en")
    return ", ".join(f"{s.code} ({s.name_for(locale)})" for s in rows)


def _units() -> str:
    return ", ".join(f"{key} ({unit_label(key)})" for key in units())


def _language_columns(code: str, optional: bool) -> Iterator[Column]:
    language = CONTENT_LOCALES[code]
    suffix = f"_{code}" if code != "en" else ""
    locale = code if code != "en" else None
    name_note = (
        _l("Optional. Up to 160 characters; needed when a text in this language is given.")
        if optional
        else _l("Up to 160 characters.")
    )
    yield Column(
        f"name{suffix}",
        lambda: str(_l("Name (%(language)s)", language=language)),
        _text(name_note),
        locale,
    )
    yield Column(
        f"description{suffix}",
        lambda: str(_l("Description (%(language)s)", language=language)),
        _text(_l("Up to 5,000 characters.")),
        locale,
    )


def _more_text_columns(code: str) -> Iterator[Column]:
    language = CONTENT_LOCALES[code]
    suffix = f"_{code}" if code != "en" else ""
    locale = code if code != "en" else None
    yield Column(
        f"materials{suffix}",
        lambda: str(_l("Materials (%(language)s)", language=language)),
        _text(_l("Up to 255 characters.")),
        locale,
    )
    yield Column(
        f"story{suffix}",
        lambda: str(_l("The maker's story (%(language)s)", language=language)),
        _text(_l("Up to 5,000 characters.")),
        locale,
    )


def _english(column: Column, header: LazyString, note: LazyString | None = None) -> Column:
    """The English text's column, named as the product form names it."""
    return Column(column.key, _text(header), _text(note) if note else column.note)


def _columns() -> list[Column]:
    name, description = _language_columns("en", optional=False)
    name_id, description_id = _language_columns("id", optional=False)
    materials, story = _more_text_columns("en")
    materials_id, story_id = _more_text_columns("id")
    columns = [
        Column(
            CODE,
            _text(_l("Code")),
            _text(
                _l(
                    "Leave empty for a new product. The export fills it in: keep it, and the "
                    "row changes that product."
                )
            ),
        ),
        _english(name, _l("Name (English)"), _l("Required. Up to 160 characters.")),
        name_id,
        _english(description, _l("Description (English)")),
        description_id,
        Column(
            "subsector_code",
            _text(_l("Creative subsector")),
            lambda: str(_l("One of these codes (or its name): %(codes)s.", codes=_subsectors())),
        ),
        Column(
            "hs_code",
            _text(_l("HS code")),
            _text(
                _l(
                    "6 to 10 digits; dots may separate them (4202.22.00). Keep the column as "
                    "text, so that a leading zero stays."
                )
            ),
        ),
        Column(
            "price_idr",
            _text(_l("Price in rupiah (IDR)")),
            _text(_l("Whole rupiah, without decimals: 150000 or 150.000.")),
        ),
        Column(
            "unit",
            _text(_l("Price per")),
            lambda: str(_l("One of: %(units)s. Empty means piece.", units=_units())),
        ),
        Column(
            "moq",
            _text(_l("Minimum order quantity")),
            _text(_l("A whole number, at least 1.")),
        ),
        Column(
            "lead_time_days",
            _text(_l("Lead time in days")),
            _text(_l("A whole number of days, 0 to 730.")),
        ),
        Column(
            "monthly_capacity",
            _text(_l("Monthly capacity (units)")),
            _text(_l("A whole number, at least 1.")),
        ),
        _english(materials, _l("Materials (English)")),
        materials_id,
        Column(
            "dimensions",
            _text(_l("Dimensions")),
            _text(_l("Up to 80 characters, e.g. 30 x 20 x 10 cm.")),
        ),
        Column(
            "weight_grams",
            _text(_l("Weight in grams")),
            _text(_l("A whole number of grams, at least 1.")),
        ),
        _english(story, _l("The maker's story (English)")),
        story_id,
    ]
    for code in TRANSLATION_LOCALES:
        if code != "id":
            columns += [*_language_columns(code, optional=True), *_more_text_columns(code)]
    return columns


COLUMNS: tuple[Column, ...] = tuple(_columns())
KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
BY_KEY = {column.key: column for column in COLUMNS}


def header_of(key: str) -> str:
    """The column's name in the reader's language."""
    return BY_KEY[key].header()


def headers(locale: str) -> list[str]:
    with force_locale(locale):
        return [column.header() for column in COLUMNS]


def notes(locale: str) -> list[str]:
    with force_locale(locale):
        return [column.note() for column in COLUMNS]


def fold(text: str) -> str:
    """A header or a listed value as it is compared: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def known_headers() -> dict[str, str]:
    """Every column's name, in each sheet language, folded -> the column's key."""
    known: dict[str, str] = {}
    for locale in SHEET_LOCALES:
        for key, header in zip(KEYS, headers(locale), strict=True):
            known.setdefault(fold(header), key)
        known.setdefault(fold(key), key)
    return known


def note_texts() -> set[str]:
    """The notes of the first two columns in each sheet language: a row holding them is the
    template's row of notes, not a product."""
    texts: set[str] = set()
    for locale in SHEET_LOCALES:
        texts.update(fold(note) for note in notes(locale)[:2])
    return texts
