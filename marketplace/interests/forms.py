"""Forms of the interest pages: expressing interest, writing, moving the status, reporting.

Lengths are checked here so a person sees the limit beside the field; the services check them
again for every other caller.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from marketplace.forms import Form
from marketplace.interests.services import (
    DESTINATION_MAX,
    KEY_MAX,
    MESSAGE_MAX,
    QUANTITY_MAX,
    REASON_MAX,
    TARGET_PRICE_MAX,
    InterestData,
)
from marketplace.interests.transitions import VALUE_MAX_IDR
from marketplace.money import RUPIAH, parse_amount
from marketplace.products.forms import strip
from marketplace.reference.loader import currencies, incoterms, units

REQUIRED = _l("Please fill in this field.")
INCOTERM_NAMES = {
    "EXW": "Ex Works",
    "FCA": "Free Carrier",
    "CPT": "Carriage Paid To",
    "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place",
    "DPU": "Delivered at Place Unloaded",
    "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship",
    "FOB": "Free on Board",
    "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")


def one_newline(value: Any) -> Any:
    """Browsers send line breaks as CR LF; count and keep them as one character."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _too_long(limit: int) -> Any:
    return Length(max=limit, message=_l("Please keep it to %(max)d characters or fewer."))


class PriceField(DecimalField):
    """A price with up to two decimals; "12,50" is read as 12.50, as many buyers write it.
    Typed as text (a number field refuses the comma), so without a number field's min, max and
    step, which HTML allows only on numbers; the range is checked on the server."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            raw = valuelist[0].strip()
            valuelist = [raw.replace(",", ".") if _DECIMAL_COMMA.match(raw) else raw]
        super().process_formdata(valuelist)


class InterestForm(Form):
    quantity = IntegerField(
        _l("Quantity"),
        validators=[
            Optional(),
            NumberRange(min=1, max=QUANTITY_MAX, message=_l("Enter a whole number above zero.")),
        ],
    )
    unit = SelectField(_l("Unit"))
    target_price = PriceField(
        _l("Target price per unit"),
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
        _l("Destination (city or port)"), validators=[Optional(), _too_long(DESTINATION_MAX)]
    )
    message = TextAreaField(
        _l("Message to the business"),
        validators=[InputRequired(REQUIRED), _too_long(MESSAGE_MAX)],
        filters=[one_newline],
    )
    submission_key = HiddenField(validators=[InputRequired(), Length(max=KEY_MAX)])
    submit = SubmitField(_l("Send interest"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit.choices = [SelectChoice(unit, unit) for unit in units()]
        self.currency.choices = [SelectChoice(code, code) for code in currencies()]
        self.incoterm.choices = [
            SelectChoice("", str(_l("Not decided yet"))),
            *(
                SelectChoice(term, f"{term} – {INCOTERM_NAMES.get(term, term)}")
                for term in incoterms()
            ),
        ]

    def to_data(self) -> InterestData:
        return InterestData(
            message=self.message.data or "",
            quantity=self.quantity.data,
            unit=self.unit.data or None,
            target_price=self.target_price.data,
            currency=self.currency.data or None,
            incoterm=self.incoterm.data or None,
            destination=self.destination.data or None,
        )


class MessageForm(Form):
    body = TextAreaField(
        _l("Your message"),
        validators=[InputRequired(_l("Please write a message.")), _too_long(MESSAGE_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Send message"))


class StepForm(Form):
    """A status step that needs nothing more than the button (answered, negotiating)."""

    status = HiddenField()


class WonForm(Form):
    """The deal in the currency it was negotiated in; the value is read as the chosen currency
    is written (whole rupiah, or with cents), the rate is optional (the office's of the day)."""

    status = HiddenField(default="won")
    won_quantity = IntegerField(
        _l("Quantity sold"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=QUANTITY_MAX, message=_l("Enter a whole number above zero.")),
        ],
    )
    won_currency = SelectField(_l("Currency of the deal"), default=RUPIAH)
    won_value = StringField(
        _l("Value of the deal"),
        validators=[InputRequired(REQUIRED), Length(max=40)],
        filters=[strip],
    )
    won_rate = StringField(
        _l("Rupiah per unit of that currency (optional)"),
        validators=[Optional(), Length(max=40)],
        filters=[strip],
    )
    submit = SubmitField(_l("Record won deal"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.won_currency.choices = [(code, code) for code in currencies()]
        self.amount: Decimal | None = None
        self.rate: Decimal | None = None

    def validate_won_value(self, field: StringField) -> None:
        currency = self.won_currency.data or RUPIAH
        try:
            amount = parse_amount(field.data or "", currency)
        except ValueError as error:
            if currency == RUPIAH:
                raise ValidationError(
                    _l("Enter the value in whole rupiah, e.g. 12500000.")
                ) from error
            raise ValidationError(_l("Enter the value as a number, e.g. 5250.00.")) from error
        if not 0 < amount <= VALUE_MAX_IDR:
            raise ValidationError(_l("Enter an amount above zero."))
        self.amount = amount

    def validate_won_rate(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            rate = parse_amount(field.data, "XXX")
        except ValueError as error:
            raise ValidationError(_l("Enter the rate as a number, e.g. 17512.50.")) from error
        if rate <= 0:
            raise ValidationError(_l("Enter an amount above zero."))
        self.rate = rate


class LostForm(Form):
    status = HiddenField(default="lost")
    lost_reason = TextAreaField(
        _l("Why did the deal not happen?"),
        validators=[InputRequired(REQUIRED), _too_long(REASON_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Record as lost"))


class WithdrawForm(Form):
    submit = SubmitField(_l("Withdraw interest"))


class ReportForm(Form):
    reason = TextAreaField(
        _l("What is wrong with this conversation?"),
        validators=[InputRequired(REQUIRED), _too_long(REASON_MAX)],
        filters=[one_newline],
    )
    submit = SubmitField(_l("Report as spam"))
