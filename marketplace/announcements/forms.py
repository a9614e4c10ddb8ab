"""The office's announcement form: the text in Indonesian and English, and the audience."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.announcements.models import Announcement
from marketplace.announcements.queries import Audience
from marketplace.announcements.services import BODY_MAX, TITLE_MAX, AnnouncementData
from marketplace.businesses.services import DISTRICTS
from marketplace.channels import queries as channel_queries
from marketplace.db import db
from marketplace.forms import Form
from marketplace.reference import choices
from marketplace.reference.models import Certification


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class AnnouncementForm(Form):
    title_id = StringField(
        _l("Title in Indonesian"),
        validators=[DataRequired(), Length(max=TITLE_MAX)],
        filters=[_strip],
        render_kw={"lang": "id"},
    )
    body_id = TextAreaField(
        _l("Text in Indonesian"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        filters=[_strip],
        render_kw={"lang": "id", "rows": 8},
    )
    title_en = StringField(
        _l("Title in English"),
        validators=[DataRequired(), Length(max=TITLE_MAX)],
        filters=[_strip],
        render_kw={"lang": "en"},
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        filters=[_strip],
        render_kw={"lang": "en", "rows": 8},
    )
    subsector_codes = CheckboxListField(_l("Subsectors"), default=[], validate_choice=True)
    districts = CheckboxListField(
        _l("Districts of Bandung"),
        choices=[SelectChoice(d) for d in DISTRICTS],
        default=[],
        validate_choice=True,
    )
    certification_codes = CheckboxListField(
        _l("Certifications held"), default=[], validate_choice=True
    )
    channel_ids = CheckboxListField(
        _l("Taking part in a channel"), coerce=int, default=[], validate_choice=True
    )

    def fill_choices(self) -> None:
        self.subsector_codes.choices = choices.subsector_choices()
        rows = db.session.scalars(sa.select(Certification).order_by(Certification.name))
        self.certification_codes.choices = [SelectChoice(c.code, c.name) for c in rows]
        channels = db.session.scalars(channel_queries.all_channels()).all()
        self.channel_ids.choices = [
            SelectChoice(channel.id, f"{channel.name} ({channel.city})") for channel in channels
        ]

    def fill_from(self, announcement: Announcement) -> None:
        """The saved audience as the boxes' first state (not on a posted form)."""
        self.subsector_codes.data = list(announcement.subsector_codes)
        self.districts.data = list(announcement.districts)
        self.certification_codes.data = list(announcement.certification_codes)
        self.channel_ids.data = list(announcement.channel_ids)

    def to_data(self) -> AnnouncementData:
        return AnnouncementData(
            title_id=self.title_id.data or "",
            body_id=self.body_id.data or "",
            title_en=self.title_en.data or "",
            body_en=self.body_en.data or "",
            audience=Audience(
                tuple(self.subsector_codes.data or ()),
                tuple(self.districts.data or ()),
                tuple(self.certification_codes.data or ()),
                tuple(self.channel_ids.data or ()),
            ),
        )


class SendForm(Form):
    """The send button: CSRF only (sending twice is refused by the announcement's state)."""
