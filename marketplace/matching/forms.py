"""Forms of business matching for its participants: registration, a request for a meeting and
its answer, a cancellation (the office's are in `office_forms`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from marketplace.forms import Form
from marketplace.matching.services import NOTE_MAX, TEXT_MAX
from marketplace.products.forms import CheckboxListField

REQUIRED = _l("Please fill in this field.")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class RegistrationForm(Form):
    offer = TextAreaField(
        _l("What we offer"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[strip]
    )
    seek = TextAreaField(
        _l("What we seek"), validators=[Optional(), Length(max=TEXT_MAX)], filters=[strip]
    )
    subsectors = CheckboxListField(_l("Subsectors we care about"), validate_choice=True)
    submit = SubmitField(_l("Register for the event"))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.offer.data or self.seek.data):
            self.offer.errors = [*self.offer.errors, _l("Say what you offer or what you seek.")]
            return False
        return valid


class MeetingRequestForm(Form):
    # Choices: the slots still free for both; the empty one first (a required select).
    slot = SelectField(_l("Time"), validate_choice=True)
    note = TextAreaField(
        _l("Note for them (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        filters=[strip],
    )
    submit = SubmitField(_l("Ask for the meeting"))

    def validate_slot(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a time."))


class AnswerForm(Form):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX)], filters=[strip]
    )


class CancelForm(Form):
    reason = TextAreaField(
        _l("Why? (optional)"), validators=[Optional(), Length(max=NOTE_MAX)], filters=[strip]
    )
    submit = SubmitField(_l("Cancel the meeting"))


def empty_first(choices: list[SelectChoice]) -> list[SelectChoice]:
    return [SelectChoice("", "—"), *choices]
