"""The office's forms of business matching: an event, its status, moving and cancelling a
meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from marketplace.forms import Form
from marketplace.matching.forms import REQUIRED, strip
from marketplace.matching.services import NOTE_MAX
from marketplace.matching.slots import (
    MAX_DAYS,
    MAX_SLOTS,
    WindowsError,
    compute_slots,
    parse_windows,
)
from marketplace.periods import bandung_today


class EventForm(Form):
    name = StringField(
        _l("Name"), validators=[InputRequired(REQUIRED), Length(max=160)], filters=[strip]
    )
    partner_city = SelectField(_l("Partner city"), validate_choice=True)
    description = TextAreaField(
        _l("About the event"), validators=[Optional(), Length(max=5000)], filters=[strip]
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    timezone = SelectField(_l("Time zone"), validate_choice=True)
    online = BooleanField(_l("Online meetings"))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)], filters=[strip])
    meeting_link = StringField(
        _l("Meeting link"), validators=[Optional(), Length(max=500)], filters=[strip]
    )
    meeting_minutes = IntegerField(
        _l("Meeting length in minutes"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=5, max=240, message=_l("A meeting lasts 5 to 240 minutes.")),
        ],
    )
    windows = StringField(
        _l("Daily session windows"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        filters=[strip],
    )
    open = BooleanField(_l("Open for registration now"))
    submit = SubmitField(_l("Create the event"))

    def validate_timezone(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the time zone of the event."))

    def validate_windows(self, field: StringField) -> None:
        try:
            parse_windows(field.data or "")
        except WindowsError as error:
            raise ValidationError(
                _l("Write the windows as 10:00-12:00, 14:00-16:00, without overlaps.")
            ) from error

    def validate_meeting_link(self, field: StringField) -> None:
        if field.data:
            parts = urlsplit(field.data)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise ValidationError(_l("Give the full address, starting with https://."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        assert self.starts_on.data is not None and self.ends_on.data is not None
        first, last = self.starts_on.data, self.ends_on.data
        if last < first:
            self.ends_on.errors = [_l("The last day comes on or after the first.")]
            return False
        if last - first >= timedelta(days=MAX_DAYS):
            self.ends_on.errors = [_l("An event lasts at most 14 days.")]
            return False
        if first < bandung_today() - timedelta(days=1):
            self.starts_on.errors = [_l("The first day is in the past.")]
            return False
        if self.online.data and not self.meeting_link.data:
            self.meeting_link.errors = [_l("Give the link of the online meetings.")]
            return False
        if not self.online.data and not self.place.data:
            self.place.errors = [_l("Give the place, or tick online meetings.")]
            return False
        assert self.meeting_minutes.data is not None and self.timezone.data
        slots = compute_slots(
            first,
            last,
            parse_windows(self.windows.data or ""),
            self.meeting_minutes.data,
            self.timezone.data,
        )
        if not slots:
            self.windows.errors = [_l("No meeting fits in these windows: make them longer.")]
            return False
        if len(slots) > MAX_SLOTS:
            self.windows.errors = [_l("Too many slots: shorten the event or the windows.")]
            return False
        return True


class StatusForm(Form):
    status = SelectField(_l("Status"))
    submit = SubmitField(_l("Change the status"))


class MoveForm(Form):
    slot = SelectField(_l("New time"), validate_choice=True)
    reason = TextAreaField(
        _l("Note for both (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        filters=[strip],
    )
    submit = SubmitField(_l("Move the meeting"))

    def validate_slot(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a time."))


class OfficeCancelForm(Form):
    reason = TextAreaField(
        _l("Reason (both see it)"),
        validators=[InputRequired(REQUIRED), Length(max=NOTE_MAX)],
        filters=[strip],
    )
    submit = SubmitField(_l("Cancel the meeting"))
