"""Forms of the trade office's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ReasonForm(FlaskForm):
    """A refusal always says why, so the owner knows what to fix."""

    reason = TextAreaField(
        _l("Reason (shown to the owner)"),
        validators=[DataRequired(message=_l("Please give the reason.")), Length(max=2000)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
