"""The buyer's profile form: the registration's buyer fields plus what the buyer looks for.

A private buyer needs no company or city; a business (every other type) gives both."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.accounts.buyer_profiles import BuyerProfileData
from marketplace.accounts.forms import (
    REQUIRED,
    buyer_type_choices,
    country_choices,
    is_business_type,
)
from marketplace.accounts.models import BuyerProfile, BuyerType, User
from marketplace.accounts.services import BuyerDetails
from marketplace.forms import Form
from marketplace.i18n import UI_LOCALES
from marketplace.reference.loader import currencies


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BuyerProfileForm(Form):
    buyer_type = SelectField(_l("Type of buyer"))
    company = StringField(_l("Company"), validators=[Optional(), Length(max=160)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[InputRequired(REQUIRED)])
    partner_city = SelectField(_l("Partner city"), default="")
    subsectors = CheckboxListField(_l("Subsectors you are interested in"), default=[])
    preferred_currency = SelectField(_l("Preferred currency"), default="")
    locale = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice(code, name) for code, name in UI_LOCALES.items()],
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(
        self,
        *args: Any,
        partner_cities: list[SelectChoice],
        subsectors: list[SelectChoice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.buyer_type.choices = buyer_type_choices(empty=False)
        self.country.choices = country_choices()
        self.partner_city.choices = [
            SelectChoice("", str(_l("None / not a partner city"))),
            *partner_cities,
        ]
        self.subsectors.choices = subsectors
        self.preferred_currency.choices = [
            SelectChoice("", str(_l("No preference"))),
            *(SelectChoice(code, code) for code in currencies()),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        """A business names its company and city; a private buyer leaves them out."""
        valid = super().validate(extra_validators)
        if is_business_type(self.buyer_type.data):
            for field in (self.company, self.city):
                if not (field.data or "").strip():
                    field.errors = [*field.errors, str(REQUIRED)]
                    valid = False
        return valid

    def to_data(self) -> BuyerProfileData:
        return BuyerProfileData(
            details=BuyerDetails(
                company=self.company.data or "",
                buyer_type=BuyerType(self.buyer_type.data),
                city=self.city.data or "",
                country_code=self.country.data or "",
                partner_city_id=int(self.partner_city.data) if self.partner_city.data else None,
            ),
            subsector_codes=list(self.subsectors.data or []),
            preferred_currency=self.preferred_currency.data or None,
            locale=self.locale.data or "en",
        )


def profile_values(user: User, profile: BuyerProfile | None) -> dict[str, Any]:
    """The form's starting values from the saved profile."""
    values: dict[str, Any] = {"locale": user.locale}
    if profile is not None:
        values.update(
            company=profile.company,
            buyer_type=profile.buyer_type.value,
            city=profile.city,
            country=profile.country_code,
            partner_city=str(profile.partner_city_id) if profile.partner_city_id else "",
            subsectors=[s.code for s in profile.subsectors],
            preferred_currency=profile.preferred_currency or "",
        )
    return values
