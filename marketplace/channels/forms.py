"""Channel forms: the office's partner cities and channels, curation, the MSME's nomination."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from marketplace.accounts.forms import country_choices
from marketplace.channels.curation import NOTE_MAX, REASON_MAX
from marketplace.channels.models import ChannelKind, ChannelStatus
from marketplace.channels.services import ChannelData, PartnerCityData
from marketplace.forms import Form
from marketplace.i18n import CONTENT_LOCALES
from marketplace.inputs import DB_INT_MAX
from marketplace.reference.loader import currencies
from marketplace.timezones import all_zones

REQUIRED = _l("Please fill in this field.")

KIND_LABELS = {
    ChannelKind.SHOWROOM: _l("Showroom"),
    ChannelKind.TRADE_FAIR: _l("Trade fair"),
    ChannelKind.FESTIVAL: _l("Festival"),
    ChannelKind.EXCHANGE: _l("Business exchange"),
}
STATUS_LABELS = {
    ChannelStatus.DRAFT: _l("Draft (not public)"),
    ChannelStatus.OPEN: _l("Open for nominations"),
    ChannelStatus.CLOSED: _l("Closed for nominations"),
    ChannelStatus.ARCHIVED: _l("Archived (past edition)"),
}


def _months(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, str(label)) for value, label in pairs]


def _locale_choices() -> list[SelectChoice]:
    return choices(CONTENT_LOCALES.items())


def _currency_choices() -> list[SelectChoice]:
    return choices((code, code) for code in currencies())


def _clean(value: str | None) -> str:
    return (value or "").strip()


class PartnerCityForm(Form):
    name = StringField(_l("City"), validators=[InputRequired(REQUIRED), Length(max=120)])
    country_code = SelectField(_l("Country"), validators=[InputRequired(REQUIRED)])
    country = StringField(
        _l("Country name as shown"), validators=[InputRequired(REQUIRED), Length(max=80)]
    )
    since_year = IntegerField(
        _l("Sister cities since (year)"),
        validators=[Optional(), NumberRange(1900, 2100, _l("Enter a year between 1900 and 2100."))],
    )
    currency = SelectField(_l("Currency"), validators=[InputRequired(REQUIRED)])
    locale = SelectField(_l("Language"), validators=[InputRequired(REQUIRED)])
    # Checked by the service, which names the mistake ("Choose a time zone from the list.").
    timezone = SelectField(_l("Time zone"), default="", validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save partner city"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = country_choices()
        self.currency.choices = _currency_choices()
        self.locale.choices = _locale_choices()
        self.timezone.choices = [SelectChoice("", "—"), *choices((z, z) for z in all_zones())]

    def to_data(self) -> PartnerCityData:
        return PartnerCityData(
            name=_clean(self.name.data),
            country_code=_clean(self.country_code.data),
            country=_clean(self.country.data),
            currency=_clean(self.currency.data),
            locale=_clean(self.locale.data),
            since_year=self.since_year.data,
            timezone=_clean(self.timezone.data) or None,
            notes=_clean(self.notes.data) or None,
        )


class ChannelForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=160)])
    series = StringField(_l("Series"), validators=[Optional(), Length(max=160)])
    kind = SelectField(_l("Kind"), validators=[InputRequired(REQUIRED)])
    city = StringField(_l("City"), validators=[InputRequired(REQUIRED), Length(max=120)])
    country_code = SelectField(_l("Country"), validators=[InputRequired(REQUIRED)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    partner_city_id = SelectField(_l("Partnership"), default="")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    applications_open_on = DateField(_l("Applications open on"), validators=[Optional()])
    applications_close_on = DateField(_l("Applications close on"), validators=[Optional()])
    capacity = IntegerField(
        _l("Capacity (products)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("The capacity cannot be negative.")),
            NumberRange(max=DB_INT_MAX),
        ],
    )
    locale = SelectField(_l("Language of catalog and tags"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency of prices"), validators=[InputRequired(REQUIRED)])
    status = SelectField(_l("Status"), validators=[InputRequired(REQUIRED)])
    commission_percent = DecimalField(
        _l("Commission (%)"),
        places=2,
        default=Decimal(0),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=100, message=_l("The commission is a percentage from 0 to 100.")
            ),
        ],
    )
    # Left out of a post: monthly (the service refuses any value not offered here).
    settlement_months = SelectField(
        _l("Settlement statements"),
        coerce=_months,
        default=1,
        validate_choice=False,
        choices=[
            SelectChoice(1, _l("Every month")),
            SelectChoice(3, _l("Every three months")),
            SelectChoice(6, _l("Every six months")),
            SelectChoice(12, _l("Every year")),
        ],
    )
    submit = SubmitField(_l("Save channel"))

    def __init__(
        self,
        *args: Any,
        partner_cities: list[tuple[str, str]],
        accepted: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = accepted
        self.kind.choices = choices((kind.value, label) for kind, label in KIND_LABELS.items())
        self.country_code.choices = country_choices()
        self.partner_city_id.choices = choices([("", _l("None")), *partner_cities])
        self.locale.choices = _locale_choices()
        self.currency.choices = _currency_choices()
        self.status.choices = choices((s.value, label) for s, label in STATUS_LABELS.items())

    def validate_ends_on(self, field: Field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The channel cannot end before it starts."))

    def validate_applications_close_on(self, field: Field) -> None:
        opens = self.applications_open_on.data
        if field.data and opens and field.data < opens:
            raise ValidationError(_l("Applications cannot close before they open."))

    def validate_capacity(self, field: Field) -> None:
        if field.data is not None and field.data < self.accepted:
            raise ValidationError(
                _l(
                    "%(taken)s products are already accepted: the capacity cannot be lower.",
                    taken=self.accepted,
                )
            )

    def to_data(self) -> ChannelData:
        return ChannelData(
            name=_clean(self.name.data),
            kind=ChannelKind(self.kind.data),
            city=_clean(self.city.data),
            country_code=_clean(self.country_code.data),
            locale=_clean(self.locale.data),
            currency=_clean(self.currency.data),
            status=ChannelStatus(self.status.data),
            series=_clean(self.series.data) or None,
            venue=_clean(self.venue.data) or None,
            partner_city_id=int(self.partner_city_id.data) if self.partner_city_id.data else None,
            description=_clean(self.description.data),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            applications_open_on=self.applications_open_on.data,
            applications_close_on=self.applications_close_on.data,
            capacity=self.capacity.data,
            commission_percent=self.commission_percent.data or Decimal(0),
            settlement_months=self.settlement_months.data or 1,
        )


class NominationForm(Form):
    product = SelectField(_l("Product"), validators=[InputRequired(REQUIRED)])
    channel = SelectField(_l("Channel"), validators=[InputRequired(REQUIRED)])
    note = TextAreaField(
        _l("Note to the trade office"),
        validators=[Optional(), Length(max=NOTE_MAX)],
    )
    submit = SubmitField(_l("Nominate"))

    def __init__(
        self,
        *args: Any,
        products: list[tuple[str, str]],
        channels: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.product.choices = choices([("", _l("Choose a product")), *products])
        self.channel.choices = choices([("", _l("Choose a channel")), *channels])


class WithdrawForm(Form):
    submit = SubmitField(_l("Withdraw"))


class ScoreForm(Form):
    score = RadioField(
        _l("Score"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[InputRequired(_l("Choose a score from 1 to 5."))],
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Save score"))


class DecisionForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(_l("Choose accept or decline."))],
    )
    reason = TextAreaField(
        _l("Reason (the MSME sees it)"),
        validators=[InputRequired(_l("Give a reason: the MSME sees it.")), Length(max=REASON_MAX)],
    )
    shelf_code = StringField(
        _l("Shelf or booth code (optional)"), validators=[Optional(), Length(max=20)]
    )
    submit = SubmitField(_l("Decide"))


class ShelfCodeForm(Form):
    shelf_code = StringField(
        _l("Shelf or booth code"), validators=[InputRequired(REQUIRED), Length(max=20)]
    )
    submit = SubmitField(_l("Save code"))
