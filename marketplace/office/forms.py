"""Forms of the trade office's pages.

Every decision form carries `seen`: what the officer saw of the item when the page was drawn
(see `office.decisions`), so a decision made on an old page is refused, not applied.
Filter forms are read from the query string and carry no CSRF token (they change nothing).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
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
from wtforms.widgets import HiddenInput

from marketplace.accounts.models import Role, UserStatus
from marketplace.forms import Form
from marketplace.i18n import UI_LOCALES
from marketplace.inputs import DB_INT_MAX
from marketplace.interests.models import ContactChannel, EscalationOutcome
from marketplace.office.models import Grouping
from marketplace.products.forms import CheckboxListField

MAX_BULK = 200
REASON_MAX = 2000


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _int_or_none(value: Any) -> int | None:
    """A hidden id as a number, or None when it is not one (refused by DataRequired)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= DB_INT_MAX else None


class DecisionForm(Form):
    """A decision without words (verify, approve)."""

    seen = HiddenField()


class ReasonForm(DecisionForm):
    """A refusal always says why, so the owner knows what to fix."""

    reason = TextAreaField(
        _l("Reason (shown to the owner)"),
        validators=[
            DataRequired(message=_l("Please give the reason.")),
            Length(max=REASON_MAX),
        ],
        filters=[_strip],
    )


class RecordReasonForm(ReasonForm):
    """A reason kept in the audit log (not shown to anyone outside the office)."""

    reason = TextAreaField(
        _l("Reason (for the record)"),
        validators=[
            DataRequired(message=_l("Please give the reason.")),
            Length(max=REASON_MAX),
        ],
        filters=[_strip],
    )


class NoteForm(DecisionForm):
    """Resolving a report of abuse: a note for the record, optional."""

    note = TextAreaField(
        _l("Note for the record (optional)"), validators=[Length(max=REASON_MAX)], filters=[_strip]
    )
    mark_spam = BooleanField(_l("Also close the reported conversation as spam"))


def parse_item(token: str) -> tuple[int, str] | None:
    """ "<id>@<seen>" -> (id, seen), or None when the token is malformed."""
    raw_id, at, seen = token.partition("@")
    if not at or not raw_id.isdigit() or len(raw_id) > 12 or not seen:
        return None
    return int(raw_id), seen


class BulkForm(Form):
    """Several items, each as "<id>@<seen>"; the choices are the page's, so none is validated
    against a list here: an item decided meanwhile is reported by the service, not refused."""

    items = SelectMultipleField(choices=[], validate_choice=False)

    def validate_items(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Select at least one product."))
        if len(field.data) > MAX_BULK:
            raise ValidationError(_l("Select at most %(n)d products at a time.", n=MAX_BULK))
        if any(parse_item(token) is None for token in field.data):
            raise ValidationError(_l("The selection could not be read. Please reload the page."))

    def selection(self) -> list[tuple[int, str]]:
        parsed = [parse_item(token) for token in self.items.data or []]
        unique: dict[int, str] = {}
        for item in parsed:
            if item is not None:
                unique.setdefault(item[0], item[1])
        return list(unique.items())


class AccountFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail"), validators=[Optional(), Length(max=120)], filters=[_strip]
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("", _l("Any role")),
            SelectChoice(Role.MSME.value, _l("MSME owner")),
            SelectChoice(Role.BUYER.value, _l("Buyer")),
            SelectChoice(Role.OFFICER.value, _l("Officer")),
            SelectChoice(Role.ADMIN.value, _l("Admin")),
            SelectChoice(Role.COORDINATOR.value, _l("Channel coordinator")),
        ],
        default="",
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any status")),
            SelectChoice(UserStatus.ACTIVE.value, _l("Active")),
            SelectChoice(UserStatus.SUSPENDED.value, _l("Suspended")),
        ],
        default="",
    )


def _dates_in_order(form: Any, field: DateField) -> None:
    first = form.first.data
    if first is not None and field.data is not None and field.data < first:
        raise ValidationError(_l("The end date must not be before the start date."))


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = StringField(
        _l("Who (account number, or part of a name or e-mail)"),
        validators=[Optional(), Length(max=120)],
        filters=[_strip],
    )
    subject_type = SelectField(_l("Kind of record"), choices=[], default="")
    subject_id = IntegerField(
        _l("Record number"), validators=[Optional(), NumberRange(min=1, max=DB_INT_MAX)]
    )
    action = SelectField(_l("Action"), choices=[], default="")
    first = DateField(_l("From"), validators=[Optional()], name="from")
    last = DateField(_l("To"), validators=[Optional(), _dates_in_order], name="to")
    before = IntegerField(validators=[Optional(), NumberRange(min=1, max=DB_INT_MAX)])


class RateForm(Form):
    currency = SelectField(_l("Currency"), choices=[])
    idr_per_unit = DecimalField(
        _l("Rupiah for one unit"),
        places=6,
        validators=[
            InputRequired(message=_l("Enter the rate.")),
            NumberRange(min=Decimal("0.000001"), message=_l("The rate must be above zero.")),
            NumberRange(max=Decimal("999999999999"), message=_l("The rate is too large.")),
        ],
    )
    effective_on = DateField(
        _l("In force from"), validators=[DataRequired(message=_l("Enter the date (YYYY-MM-DD)."))]
    )


class ReportForm(Form):
    class Meta:
        csrf = False

    by = SelectField(
        _l("Figures per"),
        choices=[
            SelectChoice(Grouping.PARTNER.value, _l("partner city")),
            SelectChoice(Grouping.CHANNEL.value, _l("channel")),
            SelectChoice(Grouping.SUBSECTOR.value, _l("creative subsector")),
            SelectChoice(Grouping.COUNTRY.value, _l("buyer country")),
        ],
        default=Grouping.PARTNER.value,
    )
    first = DateField(_l("From"), validators=[Optional()], name="from")
    last = DateField(_l("To"), validators=[Optional(), _dates_in_order], name="to")

    def validate_last(self, field: DateField) -> None:
        first: date | None = self.first.data
        if first is not None and field.data is not None and (field.data - first).days > 3660:
            raise ValidationError(_l("A report covers at most ten years."))


class CoordinatorForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)], filters=[_strip])
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(), Length(max=254)], filters=[_strip]
    )
    locale = SelectField(
        _l("Language of their mail"),
        choices=[SelectChoice(code, label) for code, label in UI_LOCALES.items()],
    )
    channel_ids = CheckboxListField(
        _l("Channels"),
        coerce=int,
        validate_choice=True,
        validators=[DataRequired(message=_l("Choose at least one channel."))],
    )
    submit = SubmitField(_l("Create the account"))


class AssignmentForm(Form):
    channel_ids = CheckboxListField(_l("Channels"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Save the channels"))


class IssueForm(Form):
    business_id = HiddenField(validators=[DataRequired()], filters=[_int_or_none])
    period = DateField(widget=HiddenInput(), validators=[DataRequired()])
    submit = SubmitField(_l("Issue the statement"))


class PaidForm(Form):
    paid_on = DateField(
        _l("Paid on"), validators=[DataRequired(message=_l("Enter the date (YYYY-MM-DD)."))]
    )
    reference = StringField(
        _l("Transfer reference"),
        validators=[InputRequired(), Length(max=120)],
        filters=[_strip],
    )
    submit = SubmitField(_l("Mark paid"))


# ---------------------------------------------------------------------------------------------
# Unanswered interests in the office's queue (`office.escalations`)


class EscalationNoteForm(Form):
    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(message=_l("Please write a note.")), Length(max=REASON_MAX)],
        filters=[_strip],
    )


class ContactForm(Form):
    channel = SelectField(
        _l("How"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice(ContactChannel.PHONE.value, _l("Phone")),
            SelectChoice(ContactChannel.WHATSAPP.value, _l("WhatsApp")),
            SelectChoice(ContactChannel.EMAIL.value, _l("E-mail")),
        ],
        default="",
    )
    body = TextAreaField(
        _l("What was said"),
        validators=[
            DataRequired(message=_l("Please write what was said.")),
            Length(max=REASON_MAX),
        ],
        filters=[_strip],
    )

    def validate_channel(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose how you contacted the MSME."))


class CloseEscalationForm(DecisionForm):
    outcome = SelectField(
        _l("How it ended"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice(EscalationOutcome.MSME_REPLIED.value, _l("The MSME replied")),
            SelectChoice(
                EscalationOutcome.BUYER_NOT_INTERESTED.value,
                _l("The buyer is no longer interested"),
            ),
            SelectChoice(EscalationOutcome.OTHER.value, _l("Other (say what in the note)")),
        ],
        default="",
    )
    note = TextAreaField(
        _l("Note for the record"), validators=[Length(max=REASON_MAX)], filters=[_strip]
    )

    def validate_outcome(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose how it ended."))

    def validate_note(self, field: TextAreaField) -> None:
        if self.outcome.data == EscalationOutcome.OTHER and not field.data:
            raise ValidationError(_l("Please say in the note what happened."))
