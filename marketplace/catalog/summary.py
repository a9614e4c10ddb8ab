"""What a folded filter panel still shows: every filter in force, in words, each with a link
that removes it. On a phone the filters sit behind one "Filters" control, so what narrows or
orders the results must stay readable (and undoable) without opening it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import format_decimal
from wtforms import Field, SelectField

from marketplace.catalog.forms import FilterForm
from marketplace.i18n import page_locale
from marketplace.money import format_rupiah

PRICE_FIELDS = ("min_price", "max_price")
SORT_FIELD = "sort"


@dataclass(frozen=True)
class ActiveFilter:
    name: str  # the field's name in the query string
    label: str
    value: str
    remove_url: str

    @property
    def is_filter(self) -> bool:
        """The sort order is shown with the filters but does not narrow the results."""
        return self.name != SORT_FIELD


def _words(field: Field) -> str:
    if isinstance(field, SelectField):
        chosen = (choice.label for choice in field.iter_choices() if choice.selected)
        return str(next(chosen, field.data))
    if field.name in PRICE_FIELDS:
        return format_rupiah(field.data, page_locale())
    return str(format_decimal(field.data))


def active_filters(form: FilterForm, endpoint: str, args: dict[str, str]) -> list[ActiveFilter]:
    """The filters in force, in the form's order; `args` are the page's query arguments, from
    which each removal link drops one (and the cursor: a new selection starts at page one)."""
    found = []
    for field in form.active_fields():
        rest: dict[str, Any] = {k: v for k, v in args.items() if k != field.name}
        label, remove = str(field.label.text), url_for(endpoint, **rest)
        found.append(ActiveFilter(field.name, label, _words(field), remove))
    return found
