"""The quick interest form: what a visitor without an account gives to express interest.

Only what the business needs to answer: a quantity and a message, then the name, the e-mail
address the answer goes to, the country (filled in from the channel the visit came through, else
from the browser's language) and the type of buyer, which defaults to a private buyer; a
business also names its company. Everything else (password, city, terms) can come later.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.accounts.forms import (
    COUNTRY_CODES,
    REQUIRED,
    buyer_type_choices,
    country_choices,
    email_is_valid,
    is_business_type,
)
from marketplace.accounts.models import BuyerType
from marketplace.forms import Form
from marketplace.interests.forms import one_newline
from marketplace.interests.pending import VisitorInterest
from marketplace.interests.services import KEY_MAX, MESSAGE_MAX, QUANTITY_MAX


class QuickInterestForm(Form):
    quantity = IntegerField(
        _l("Quantity"),
        validators=[
            Optional(),
            NumberRange(min=1, max=QUANTITY_MAX, message=_l("Enter a whole number above zero.")),
        ],
    )
    message = TextAreaField(
        _l("Message to the business"),
        validators=[
            InputRequired(REQUIRED),
            Length(max=MESSAGE_MAX, message=_l("Please keep it to %(max)d characters or fewer.")),
        ],
        filters=[one_newline],
    )
    name = StringField(_l("Your name"), validators=[InputRequired(REQUIRED), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(REQUIRED), Length(max=254), email_is_valid],
    )
    country = SelectField(_l("Country"), validators=[InputRequired(REQUIRED)], default="")
    buyer_type = SelectField(_l("Type of buyer"), default=BuyerType.INDIVIDUAL.value)
    company = StringField(_l("Company"), validators=[Optional(), Length(max=160)])
    submission_key = HiddenField(validators=[InputRequired(), Length(max=KEY_MAX)])
    submit = SubmitField(_l("Send interest"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.buyer_type.choices = buyer_type_choices(empty=False)

    def validate(self, extra_validators: Any = None) -> bool:
        """A business names its company; a private buyer is not asked."""
        valid = super().validate(extra_validators)
        if is_business_type(self.buyer_type.data) and not (self.company.data or "").strip():
            self.company.errors = [
                *self.company.errors,
                str(_l("Businesses need to fill in this field.")),
            ]
            valid = False
        return valid

    def to_data(self) -> VisitorInterest:
        return VisitorInterest(
            name=self.name.data or "",
            email=self.email.data or "",
            buyer_type=BuyerType(self.buyer_type.data),
            country_code=self.country.data or "",
            message=self.message.data or "",
            quantity=self.quantity.data,
            company=self.company.data or "",
        )


def likely_country(channel_country: str | None) -> str:
    """The country to offer first: the channel's (a tag scanned in Seoul), else the region of
    the browser's first language that names one ("de-DE"), else none."""
    if channel_country in COUNTRY_CODES:
        return str(channel_country)
    for tag, _quality in request.accept_languages:
        region = tag.replace("_", "-").split("-")[-1].upper() if "-" in tag or "_" in tag else ""
        if region in COUNTRY_CODES:
            return region
    return ""
