"""The catalog's filter form, read from the query string so that every result can be shared.

A value that is not understood (an unknown channel, "abc" as a price) is left out and named in
a message; the rest of the filters still apply. A GET form changes nothing, so it carries no
CSRF token (which would also make every shared link expire).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from marketplace.businesses.models import ExportExperience
from marketplace.catalog.choices import FilterChoices, OptionsField
from marketplace.catalog.queries import CatalogFilters, SortOrder
from marketplace.forms import Form

MAX_PRICE_IDR = 10**13  # above any real price, and inside a 64-bit integer
MAX_QUANTITY = 10**9  # inside a 32-bit integer
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 60

EXPORT_CHOICES = [
    SelectChoice("", _l("Any")),
    SelectChoice(
        ExportExperience.INDIRECT.value, _l("Has exported (directly or through a trader)")
    ),
    SelectChoice(ExportExperience.DIRECT.value, _l("Exports directly")),
]
SORT_CHOICES = [
    SelectChoice(SortOrder.NEWEST.value, _l("Newest")),
    SelectChoice(SortOrder.PRICE_LOW.value, _l("Price: low to high")),
    SelectChoice(SortOrder.PRICE_HIGH.value, _l("Price: high to low")),
    SelectChoice(SortOrder.INTEREST.value, _l("Most interest")),
]


def _strip(value: Any) -> Any:
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _price(label: Any) -> IntegerField:
    return IntegerField(
        label, validators=[Optional(), NumberRange(min=0, max=MAX_PRICE_IDR)], filters=[_strip]
    )


class FilterForm(Form):
    class Meta:
        csrf = False

    subsector = OptionsField(_l("Subsector"))
    channel = OptionsField(_l("Channel"))
    city = OptionsField(_l("Partner city"))
    cert = OptionsField(_l("Certification"))
    min_price = _price(_l("Lowest price (IDR)"))
    max_price = _price(_l("Highest price (IDR)"))
    max_moq = IntegerField(
        _l("Largest minimum order"),
        validators=[Optional(), NumberRange(min=1, max=MAX_QUANTITY)],
        filters=[_strip],
    )
    max_lead = IntegerField(
        _l("Longest lead time (days)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_QUANTITY)],
        filters=[_strip],
    )
    export = SelectField(_l("Export experience"), choices=EXPORT_CHOICES, default="")

    def validate_max_price(self, field: IntegerField) -> None:
        low = self.min_price.data if not self.min_price.errors else None
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The highest price is below the lowest price."))

    def set_choices(self, choices: FilterChoices) -> None:
        """Offer `choices` ("All" first in each list), before `check`."""
        self.subsector.use(choices.subsectors)
        self.channel.use(choices.channels)
        self.city.use(choices.cities)
        self.cert.use(choices.certifications)

    def _filter_fields(self) -> list[Field]:
        return [
            self.subsector,
            self.channel,
            self.city,
            self.cert,
            self.min_price,
            self.max_price,
            self.max_moq,
            self.max_lead,
            self.export,
        ]

    def _shown_fields(self) -> list[Field]:
        return self._filter_fields()

    def raw_values(self) -> list[tuple[str, tuple[str, ...]]]:
        """What was typed in each field the filter panel shows: with the choices offered, all
        that its rendering (values and errors) depends on."""
        return [(field.name, tuple(field.raw_data or ())) for field in self._shown_fields()]

    def check(self) -> list[str]:
        """Validate; return the labels of the fields whose values are left out."""
        self.validate()
        return [str(field.label.text) for field in self._filter_fields() if field.errors]

    def _value(self, field: Field) -> Any:
        return None if field.errors or field.data in ("", None) else field.data

    def to_filters(self) -> CatalogFilters:
        """Only the values that passed validation (call `check` first)."""
        city = self._value(self.city)
        export = self._value(self.export)
        return CatalogFilters(
            subsector=self._value(self.subsector),
            channel=self._value(self.channel),
            city=int(city) if city else None,
            certification=self._value(self.cert),
            min_price=self._value(self.min_price),
            max_price=self._value(self.max_price),
            max_moq=self._value(self.max_moq),
            max_lead_days=self._value(self.max_lead),
            export=ExportExperience(export) if export else None,
        )

    def query_args(self) -> dict[str, str]:
        """The accepted filters as query-string arguments, for links to other pages."""
        args: dict[str, str] = {}
        for field in self._filter_fields():
            value = self._value(field)
            if value is not None:
                args[field.name] = str(value)
        return args

    def active_fields(self) -> list[Field]:
        """The fields whose values narrow or order the results (call `check` first)."""
        return [field for field in self._filter_fields() if self._value(field) is not None]


class CatalogForm(FilterForm):
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, default=SortOrder.NEWEST.value)

    def _shown_fields(self) -> list[Field]:
        return [*self._filter_fields(), self.sort]

    def sort_order(self) -> SortOrder:
        if self.sort.errors or not self.sort.data:
            return SortOrder.NEWEST
        return SortOrder(self.sort.data)

    def check(self) -> list[str]:
        ignored = super().check()
        if self.sort.errors:
            ignored.append(str(self.sort.label.text))
        return ignored

    def query_args(self) -> dict[str, str]:
        args = super().query_args()
        if self.sort_order() is not SortOrder.NEWEST:
            args["sort"] = self.sort_order().value
        return args

    def active_fields(self) -> list[Field]:
        fields = super().active_fields()
        return [*fields, self.sort] if self.sort_order() is not SortOrder.NEWEST else fields


# Every argument a CatalogForm reads: what it makes of an address depends on these alone.
CATALOG_FIELDS = (
    "subsector",
    "channel",
    "city",
    "cert",
    "min_price",
    "max_price",
    "max_moq",
    "max_lead",
    "export",
    "sort",
)


class SearchForm(FilterForm):
    q = SearchField(_l("Search products"), filters=[_strip])

    def query_args(self) -> dict[str, str]:
        return {"q": self.q.data or "", **super().query_args()}


def per_page(raw: str | None) -> int:
    """Cards per page from the URL (1 to MAX_PER_PAGE); anything else is the default."""
    if raw and len(raw) <= 3 and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PER_PAGE:
        return int(raw)
    return DEFAULT_PER_PAGE
