"""Forms of buying requests: the buyer's request, the MSME's quote, questions, the office's
screening. Lengths and ranges are checked here so a person sees them beside the field; the
services check them again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from marketplace.businesses.forms import certification_choices
from marketplace.db import db
from marketplace.forms import Form
from marketplace.interests.forms import INCOTERM_NAMES, PriceField, one_newline
from marketplace.interests.services import KEY_MAX, QUANTITY_MAX, TARGET_PRICE_MAX
from marketplace.products.forms import CheckboxListField, RupiahField, hs_digits, strip
from marketplace.products.models import Product
from marketplace.reference.choices import subsector_choices
from marketplace.reference.loader import currencies, incoterms, units
from marketplace.rfq.models import Quote
from marketplace.rfq.services import (
    DESTINATION_MAX,
    DETAILS_MAX,
    LEAD_TIME_MAX,
    MESSAGE_MAX,
    PRICE_MAX_IDR,
    REASON_MAX,
    TITLE_MAX,
    QuoteData,
    RequestData,
)
from marketplace.units import unit_label

REQUIRED = _l("Please fill in this field.")
WHOLE = _l("Enter a whole number above zero.")


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Please keep it to %(max)d characters or fewer."))


class RequestForm(Form):
    title = StringField(
        _l("What are you looking for?"),
        validators=[InputRequired(REQUIRED), _at_most(TITLE_MAX)],
        filters=[strip],
    )
    details = TextAreaField(
        _l("Details (size, material, colour, packaging)"),
        validators=[Optional(), _at_most(DETAILS_MAX)],
        filters=[one_newline],
    )
    subsector_code = SelectField(_l("Category"))
    hs_code = StringField(
        _l("HS code (optional)"),
        validators=[
            Optional(),
            Length(
                min=4, max=10, message=_l("An HS code has 4 to 10 digits, e.g. 4602 or 460211.")
            ),
        ],
        filters=[hs_digits],
    )
    quantity = IntegerField(
        _l("Quantity"),
        validators=[
            InputRequired(_l("Please say how many you need.")),
            NumberRange(min=1, max=QUANTITY_MAX, message=WHOLE),
        ],
    )
    unit = SelectField(_l("Unit"))
    target_price = PriceField(
        _l("Target price per unit (optional)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0.01"),
                max=TARGET_PRICE_MAX,
                message=_l("Enter a price above zero, e.g. 12.50."),
            ),
        ],
    )
    currency = SelectField(_l("Currency"))
    incoterm = SelectField(_l("Incoterm (Incoterms 2020)"), default="")
    destination = StringField(
        _l("Destination (city or port)"),
        validators=[InputRequired(REQUIRED), _at_most(DESTINATION_MAX)],
        filters=[strip],
    )
    certification_codes = CheckboxListField(_l("Certifications the goods must have"))
    deadline = DateField(
        _l("Quotes until"), validators=[InputRequired(_l("Please choose a date."))]
    )
    submission_key = HiddenField(validators=[InputRequired(), Length(max=KEY_MAX)])
    submit = SubmitField(_l("Post the request"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subsector_code.choices = [
            SelectChoice("", str(_l("Choose a category"))),
            *subsector_choices(),
        ]
        self.unit.choices = [SelectChoice(unit, unit_label(unit)) for unit in units()]
        self.currency.choices = [SelectChoice(code, code) for code in currencies()]
        self.incoterm.choices = [
            SelectChoice("", str(_l("Not decided yet"))),
            *(
                SelectChoice(term, f"{term} – {INCOTERM_NAMES.get(term, term)}")
                for term in incoterms()
            ),
        ]
        self.certification_codes.choices = certification_choices()

    def to_data(self) -> RequestData:
        return RequestData(
            title=self.title.data or "",
            details=self.details.data or "",
            subsector_code=self.subsector_code.data or "",
            hs_code=self.hs_code.data or None,
            quantity=self.quantity.data or 0,
            unit=self.unit.data or "",
            target_price=self.target_price.data,
            currency=self.currency.data or "",
            incoterm=self.incoterm.data or None,
            destination=self.destination.data or "",
            deadline=self.deadline.data,
            certification_codes=tuple(self.certification_codes.data or ()),
        )


class QuoteForm(Form):
    product_id = SelectField(_l("Your product"))
    unit_price_idr = RupiahField(
        _l("Price per unit (rupiah)"), validators=[InputRequired(REQUIRED)]
    )
    moq = IntegerField(
        _l("Minimum order (optional)"),
        validators=[Optional(), NumberRange(min=1, max=QUANTITY_MAX, message=WHOLE)],
    )
    lead_time_days = IntegerField(
        _l("Lead time in days"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=0, max=LEAD_TIME_MAX, message=_l("Enter the lead time in days, from 0 to 730.")
            ),
        ],
    )
    message = TextAreaField(
        _l("Message to the buyer"),
        validators=[Optional(), _at_most(MESSAGE_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Send the quote"))

    def __init__(self, *args: Any, business_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = db.session.scalars(
            sa.select(Product)
            .join(Product.business)
            .where(Product.business_id == business_id, Product.is_public)
            .order_by(Product.name)
        )
        self.product_id.choices = [SelectChoice(str(p.id), p.name) for p in products]

    def validate_unit_price_idr(self, field: RupiahField) -> None:
        if field.data is not None and not 0 < field.data <= PRICE_MAX_IDR:
            raise ValidationError(_l("Enter the price per unit in whole rupiah, above zero."))

    def to_data(self) -> QuoteData:
        return QuoteData(
            product_id=int(self.product_id.data or 0),
            unit_price_idr=self.unit_price_idr.data or 0,
            lead_time_days=self.lead_time_days.data or 0,
            moq=self.moq.data,
            message=self.message.data or "",
        )


def quote_form(business_id: int, quote: Quote | None, recipient_product: int | None) -> QuoteForm:
    """The quote form filled with the business's quote, or its matching product."""
    if quote is not None:
        return QuoteForm(
            business_id=business_id,
            product_id=str(quote.product_id),
            unit_price_idr=quote.unit_price_idr,
            moq=quote.moq,
            lead_time_days=quote.lead_time_days,
            message=quote.message,
        )
    return QuoteForm(
        business_id=business_id,
        product_id=str(recipient_product) if recipient_product else None,
    )


class QuestionForm(Form):
    body = TextAreaField(
        _l("Your question"),
        validators=[InputRequired(_l("Please write a message.")), _at_most(MESSAGE_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Send"))


class AnswerForm(Form):
    body = TextAreaField(
        _l("Your answer"),
        validators=[InputRequired(_l("Please write a message.")), _at_most(MESSAGE_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Send the answer"))


class PickForm(Form):
    submit = SubmitField(_l("Pick this quote"))


class WithdrawForm(Form):
    submit = SubmitField(_l("Withdraw the request"))


class ScreenForm(Form):
    reason = TextAreaField(
        _l("Reason for the buyer (when not sending it out)"),
        validators=[Optional(), _at_most(REASON_MAX)],
        filters=[one_newline],
    )
    approve = SubmitField(_l("Send it out"))
    reject = SubmitField(_l("Do not send it out"))
