"""Checking a sheet's rows: each is read by the product form and checked by the product rules
(`products.forms.ProductForm`, `products.services.check_product`), exactly as if the owner had
typed it into the form; nothing here is a rule of its own about products.

A row is
- new: no code; it becomes a draft;
- a change: its code is the slug of one of the owner's products and something differs; the
  product is updated as the form would update it (a published product whose texts changed
  goes back to review; its photos and certifications stay);
- the same: its code names a product that already holds exactly this (an export read back);
- wrong: with each problem by column, in the reader's language.

A subsector or a unit may be written as its code or its name in English or Indonesian; an empty
unit is "piece".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from marketplace.businesses.forms import subsector_choices
from marketplace.businesses.models import Business
from marketplace.db import db
from marketplace.products.forms import ProductForm, set_choices
from marketplace.products.models import Product
from marketplace.products.services import (
    ProductData,
    ProductError,
    check_product,
    require_editable,
)
from marketplace.reference.loader import units
from marketplace.reference.models import Subsector
from marketplace.sheets.columns import BY_KEY, CODE, COLUMNS, SHEET_LOCALES, fold
from marketplace.units import unit_label

# The form's words for a choice not in its list are WTForms' ("Not a valid choice"): the
# product rules' own words say which list.
CHOICE_MESSAGES = {
    "subsector_code": _l("Choose a creative subsector from the list."),
    "unit": _l("Choose a unit from the list."),
}


class RowKind(enum.StrEnum):
    NEW = "new"
    CHANGE = "change"
    SAME = "same"
    WRONG = "wrong"


@dataclass(frozen=True)
class Problem:
    column: str | None  # the column's key; None for a rule about the row as a whole
    message: str


@dataclass
class RowCheck:
    number: int
    values: dict[str, str]
    kind: RowKind = RowKind.WRONG
    problems: list[Problem] = field(default_factory=list)
    data: ProductData | None = None
    product: Product | None = None
    # A new row named like a product the owner has: added again, which may not be meant.
    named_like: Product | None = None

    @property
    def name(self) -> str:
        return self.values.get("name", "").strip()


@dataclass
class Lists:
    """What the rows' choices are read against, looked up once per sheet."""

    subsectors: dict[str, str]
    units: dict[str, str]
    products: dict[str, Product]
    names: dict[str, Product]


def _lists(business: Business) -> Lists:
    subsectors: dict[str, str] = {}
    for row in db.session.scalars(sa.select(Subsector)):
        for word in (row.code, row.name_en, row.name_id):
            subsectors.setdefault(fold(word), row.code)
    unit_words: dict[str, str] = {fold(key): key for key in units()}
    for locale in SHEET_LOCALES:
        with force_locale(locale):
            for key in units():
                unit_words.setdefault(fold(unit_label(key)), key)
    products = db.session.scalars(
        sa.select(Product)
        .where(Product.business_id == business.id)
        .options(selectinload(Product.translations), selectinload(Product.certifications))
        .order_by(Product.id)
    ).all()
    return Lists(
        subsectors=subsectors,
        units=unit_words,
        products={p.slug: p for p in products},
        names={fold(p.name): p for p in products},
    )


def _formdata(values: Mapping[str, str], lists: Lists) -> MultiDict[str, str]:
    """The row as the form would post it: every field, empty where the sheet has no column."""
    posted = {column.key: values.get(column.key, "") for column in COLUMNS if column.key != CODE}
    subsector = posted.get("subsector_code", "").strip()
    if subsector:
        posted["subsector_code"] = lists.subsectors.get(fold(subsector), subsector)
    unit = posted.get("unit", "").strip()
    posted["unit"] = lists.units.get(fold(unit), unit) if unit else "piece"
    return MultiDict(posted)


def _form(values: Mapping[str, str], lists: Lists) -> ProductForm:
    form = ProductForm(formdata=_formdata(values, lists), meta={"csrf": False})
    set_choices(form, subsectors=subsector_choices(), units=units(), certifications=[])
    return form


def _form_problems(form: ProductForm) -> list[Problem]:
    """One line per column: a value the field could not read says so (what its validators add
    about the missing value says nothing more); a choice not in its list says which list."""
    problems: list[Problem] = []
    order = {column.key: index for index, column in enumerate(COLUMNS)}
    for name in sorted(form.errors, key=lambda key: order.get(key, len(order))):
        key = name if name in BY_KEY else None
        if name in CHOICE_MESSAGES:
            message = str(CHOICE_MESSAGES[name])
        else:
            messages = form[name].process_errors or form.errors[name]
            message = " ".join(str(m) for m in messages)
        problems.append(Problem(key, message))
    return problems


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def product_cells(product: Product) -> dict[str, Any]:
    """The product as a row of the sheet: each column's value, as the export writes it."""
    texts = {t.locale: t for t in product.translations}
    cells: dict[str, Any] = {}
    for column in COLUMNS:
        if column.key == CODE:
            cells[CODE] = product.slug
        elif column.locale is None:
            cells[column.key] = getattr(product, column.attribute)
        else:
            text = texts.get(column.locale)
            cells[column.key] = getattr(text, column.attribute) if text is not None else None
    return cells


def data_cells(data: ProductData) -> dict[str, Any]:
    """What a product would hold after being saved with `data`, as a row of the sheet."""
    cells: dict[str, Any] = {}
    for column in COLUMNS:
        if column.key == CODE:
            continue
        if column.locale is None:
            cells[column.key] = getattr(data, column.attribute)
        else:
            text = data.translations.get(column.locale)
            named = text is not None and text.name.strip()
            cells[column.key] = getattr(text, column.attribute) if named else None
    return cells


def holds(product: Product, data: ProductData) -> bool:
    """Whether saving `data` would leave the product as it is (texts compared trimmed, as
    they are saved)."""
    now = {k: _clean(v) for k, v in product_cells(product).items() if k != CODE}
    return now == {k: _clean(v) for k, v in data_cells(data).items()}


def _check_one(
    business: Business, number: int, values: dict[str, str], lists: Lists, seen: dict[str, int]
) -> RowCheck:
    check = RowCheck(number, values)
    code = values.get(CODE, "").strip()
    product: Product | None = None
    if code:
        product = lists.products.get(code)
        if product is None:
            message = _("None of your products has this code. Leave it empty to add a new product.")
            check.problems.append(Problem(CODE, message))
        elif code in seen:
            check.problems.append(
                Problem(CODE, _("This code is in row %(row)s too.", row=seen[code]))
            )
        seen.setdefault(code, number)
    form = _form(values, lists)
    form.validate()
    check.problems += _form_problems(form)
    if check.problems:
        return check
    data = form.to_data()
    if product is not None:
        # Certifications are not in the sheet: a product keeps its own.
        data = replace(data, certification_ids=tuple(c.id for c in product.certifications))
    try:
        check_product(business, data)
        if product is not None and not holds(product, data):
            require_editable(product)
    except ProductError as error:
        check.problems.append(Problem(None, str(error.message)))
        return check
    check.data, check.product = data, product
    if product is None:
        check.kind = RowKind.NEW
        check.named_like = lists.names.get(fold(data.name))
    else:
        check.kind = RowKind.SAME if holds(product, data) else RowKind.CHANGE
    return check


def check_rows(business: Business, rows: Iterable[tuple[int, dict[str, str]]]) -> list[RowCheck]:
    lists = _lists(business)
    seen: dict[str, int] = {}
    return [_check_one(business, number, values, lists, seen) for number, values in rows]
