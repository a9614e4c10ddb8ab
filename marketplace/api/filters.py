"""The catalog's filters and sort orders as data (/api/v1/catalog/filters).

Read from the very form the /catalog page's filter panel is built from (`CatalogForm`, its
choices from `catalog.choices.filter_choices`): a filter, a value or a bound added there is
listed here without a second copy. Labels are in the language asked; the page's "All" (no
filter) is not a value and is left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import force_locale
from wtforms import Field, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from marketplace.catalog.choices import OptionsField, filter_choices
from marketplace.catalog.forms import (
    CATALOG_FIELDS,
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    CatalogForm,
)
from marketplace.catalog.queries import SortOrder
from marketplace.db import db
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH
from marketplace.reference.loader import currencies


def _pairs(field: SelectField) -> list[tuple[str, str]]:
    """(value, label) of a select's choices, in the language in force."""
    if isinstance(field, OptionsField):
        return [(option.value, option.label) for option in field.options]
    pairs = []
    for choice in field.choices or []:
        if isinstance(choice, SelectChoice):
            pairs.append((str(choice.value), str(choice.label)))
        else:
            pairs.append((str(choice[0]), str(choice[1])))
    return pairs


def _choices(field: Field) -> list[dict[str, str]] | None:
    if not isinstance(field, SelectField):
        return None
    return [{"value": value, "label": label} for value, label in _pairs(field) if value]


def _bounds(field: Field) -> tuple[int | None, int | None]:
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            low, high = validator.min, validator.max
            return (int(low) if low is not None else None, int(high) if high is not None else None)
    return None, None


def _spec(field: Field) -> dict[str, Any]:
    numeric = isinstance(field, IntegerField)
    low, high = _bounds(field) if numeric else (None, None)
    return {
        "name": field.name,
        "label": str(field.label.text),
        "kind": "integer" if numeric else "choice",
        "choices": None if numeric else _choices(field),
        "minimum": low,
        "maximum": high,
    }


def _rates(today: date) -> list[dict[str, Any]]:
    found = []
    for code in currencies():
        rate = None if code == RUPIAH else db.session.scalar(rate_in_force(code, today))
        found.append(
            {
                "currency": code,
                "idr_per_unit": f"{rate.idr_per_unit.normalize():f}" if rate else None,
                "rate_date": rate.effective_on if rate else None,
            }
        )
    return found


def filter_list(locale: str, today: date) -> dict[str, Any]:
    """What the catalog's filter panel offers, in `locale`."""
    with force_locale(locale):
        form = CatalogForm(formdata=None)
        form.set_choices(filter_choices(locale))
        shown = [form[name] for name in CATALOG_FIELDS if name != "sort"]
        filters = [_spec(field) for field in shown]
        sorts = [
            {"value": value, "label": label, "default": value == SortOrder.NEWEST.value}
            for value, label in _pairs(form.sort)
        ]
    return {
        "filters": filters,
        "sorts": sorts,
        "per_page": {"default": DEFAULT_PER_PAGE, "maximum": MAX_PER_PAGE},
        "languages": [{"value": code, "label": name} for code, name in CONTENT_LOCALES.items()],
        "currencies": _rates(today),
    }
