"""What the catalog's filters offer (subsectors, channels, partner cities, certifications),
read once per process and language and kept until the reference data changes
(`versions.REFERENCE`: a new subsector, a renamed channel, a city added).

Each option's HTML is made here once as well, as WTForms' `Select` writes it, selected and
not: a filter panel then costs a lookup per option instead of building and escaping it on
every page (`OptionsSelect`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import Select, html_params

from marketplace import versions
from marketplace.catalog import queries
from marketplace.db import db


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    html: Markup  # <option value="...">label</option>
    selected_html: Markup  # the same, selected


@dataclass(frozen=True)
class FilterChoices:
    subsectors: tuple[Option, ...]
    channels: tuple[Option, ...]
    cities: tuple[Option, ...]
    certifications: tuple[Option, ...]


def _options(pairs: list[tuple[str, str]]) -> tuple[Option, ...]:
    """`pairs` after "All" (the empty value), each rendered as `Select` renders it."""
    options = []
    for value, label in [("", _("All")), *pairs]:
        options.append(
            Option(
                value,
                label,
                Select.render_option(Choice(value, label, selected=False, render_kw={})),
                Select.render_option(Choice(value, label, selected=True, render_kw={})),
            )
        )
    return tuple(options)


@versions.per_version(versions.REFERENCE)
def filter_choices(locale: str) -> FilterChoices:
    """The choices in `locale` (the request's language: "All" is translated in it)."""
    subsectors = [
        (s.code, s.name_for(locale)) for s in db.session.scalars(queries.subsector_options())
    ]
    channels = [(c.slug, c.name) for c in db.session.scalars(queries.channel_options())]
    cities = [(str(i), name) for i, name in db.session.execute(queries.city_options())]
    certifications = [(c.code, c.name) for c in db.session.scalars(queries.certification_options())]
    return FilterChoices(
        subsectors=_options(subsectors),
        channels=_options(channels),
        cities=_options(cities),
        certifications=_options(certifications),
    )


# WTForms' own words for a value that is not offered, translated by its catalog (the field's
# `gettext`), as `SelectField` says them.
NOT_A_CHOICE = "Not a valid choice."


class OptionsSelect(Select):
    """`Select`, its options taken ready-made from the field's `options`."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        options: tuple[Option, ...] = field.options
        kwargs.setdefault("id", field.id)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for option in options:
            html.append(option.selected_html if option.value == field.data else option.html)
        html.append("</select>")
        return Markup("".join(html))


class OptionsField(SelectField):
    """A select whose choices are `Option`s (`use`): rendered by `OptionsSelect`, checked by
    value."""

    widget = OptionsSelect()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=[], default="", **kwargs)
        self.options: tuple[Option, ...] = ()

    def use(self, options: tuple[Option, ...]) -> None:
        self.options = options
        self.choices = [SelectChoice(option.value, option.label) for option in options]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            return
        if not any(option.value == self.data for option in self.options):
            raise ValidationError(self.gettext(NOT_A_CHOICE))
