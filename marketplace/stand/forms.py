"""Forms of the stand pages: a stock movement, a shipment, and the admin's coordinator form."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from marketplace.channels.models import Nomination
from marketplace.forms import Form
from marketplace.labels import MOVEMENT_LABELS
from marketplace.money import parse_amount
from marketplace.stock.models import MovementKind
from marketplace.stock.services import MAX_QUANTITY

REQUIRED = _l("Please fill in this field.")
NOTE_MAX = 500

# What a movement form offers: shipping goes through a shipment (with its packing list), and
# selling through a sale (with its price), whose correction puts pieces back.
RECORDED_HERE = [
    kind
    for kind in MovementKind
    if kind not in (MovementKind.SHIPPED, MovementKind.SOLD, MovementKind.UNSOLD)
]
QUANTITY_RANGE = NumberRange(
    min=1, max=MAX_QUANTITY, message=_l("The quantity is a whole number from 1 to 100,000.")
)


class MovementForm(Form):
    """Shown beside the sale form on one page: its fields carry the prefix "move-"."""

    kind = SelectField(
        _l("What happened"),
        choices=[SelectChoice(kind.value, MOVEMENT_LABELS[kind]) for kind in RECORDED_HERE],
    )
    quantity = IntegerField(_l("Pieces"), validators=[InputRequired(REQUIRED), QUANTITY_RANGE])
    moved_on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    shelf_code = StringField(_l("Shelf or booth code"), validators=[Optional(), Length(max=20)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Record the movement"))


class SaleForm(Form):
    """One sale, or a day's count of one product: the pieces and the price of one, as the till
    shows it in the channel's currency (typed as any of our languages writes amounts)."""

    quantity = IntegerField(_l("Pieces sold"), validators=[InputRequired(REQUIRED), QUANTITY_RANGE])
    unit_price = StringField(
        _l("Price of one piece"), validators=[InputRequired(REQUIRED), Length(max=40)]
    )
    sold_on = DateField(_l("Sold on"), validators=[InputRequired(REQUIRED)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Record the sale"))

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.unit_price.label.text = _l("Price of one piece (%(currency)s)", currency=currency)

    def validate_unit_price(self, field: StringField) -> None:
        try:
            parse_amount(field.data or "", self.currency)
        except ValueError as error:
            raise ValidationError(
                _l("Write the price of one piece as a number, for example 12.50.")
            ) from error

    def price(self) -> Decimal:
        return parse_amount(self.unit_price.data or "", self.currency)


class CorrectionForm(Form):
    note = TextAreaField(
        _l("Why is the sale corrected?"),
        validators=[InputRequired(REQUIRED), Length(max=NOTE_MAX)],
    )
    submit = SubmitField(_l("Correct this sale"))


class ShipmentForm(Form):
    shipped_on = DateField(_l("Shipped on"), validators=[InputRequired(REQUIRED)])
    note = TextAreaField(
        _l("Note for the packing list"), validators=[Optional(), Length(max=NOTE_MAX)]
    )
    submit = SubmitField(_l("Record the shipment"))

    def quantities(self) -> dict[int, int]:
        """Pieces per nomination id, from the fields `shipment_form` added."""
        return {
            int(field.name[1:]): field.data or 0
            for field in self
            if field.name.startswith("q") and field.name[1:].isdigit()
        }


def shipment_form(nominations: Iterable[Nomination], **kwargs: Any) -> ShipmentForm:
    """A shipment form with a number of pieces per product, labelled by the product's name."""

    class Form(ShipmentForm):
        pass

    for nomination in nominations:
        setattr(
            Form,
            f"q{nomination.id}",
            IntegerField(
                nomination.product.name,
                validators=[Optional(), NumberRange(min=0, max=MAX_QUANTITY)],
            ),
        )
    return Form(**kwargs)


class LeadForm(Form):
    """A visitor's interest captured at the stand (`interests.stand_leads`); the consent's
    words are shown in the visitor's language beside the box."""

    nomination = SelectField(_l("Product"), coerce=int, validate_choice=False)
    name = StringField(_l("Visitor's name"), validators=[InputRequired(REQUIRED), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    whatsapp = StringField(_l("WhatsApp number"), validators=[Optional(), Length(max=40)])
    # The choice is checked by the field; no "required" on a select without an empty option.
    country = SelectField(_l("Country"))
    locale = SelectField(_l("Visitor's language"))
    quantity = IntegerField(
        _l("Quantity"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000_000, message=_l("Enter a whole number above zero.")),
        ],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    consent = BooleanField(
        _l("The visitor agrees to be contacted"),
        validators=[
            DataRequired(_l("The visitor must agree to be contacted before the lead is kept."))
        ],
    )
    client_key = HiddenField(validators=[InputRequired(), Length(max=64)])
    submit = SubmitField(_l("Keep the lead"))
