"""The form that makes an API token: a name, what it may do, and when it expires."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import HiddenField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.forms import Form
from marketplace.tokens.models import TokenScope
from marketplace.tokens.services import KEY_MAX, LIFETIMES, NAME_MAX


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class TokenForm(Form):
    # Set when the page is shown; the same key posted twice makes one token.
    submission_key = HiddenField(validators=[Optional(), Length(max=KEY_MAX)])
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Give the token a name, so you know where it is used.")),
            Length(max=NAME_MAX),
        ],
        filters=[strip],
    )
    scope = RadioField(
        _l("What the token may do"),
        choices=[
            SelectChoice(TokenScope.READ.value, _l("Read only")),
            SelectChoice(TokenScope.WRITE.value, _l("Read and write")),
        ],
        default=TokenScope.READ.value,
    )
    expires = RadioField(
        _l("Expires after"),
        choices=[
            SelectChoice(str(days), lazy_ngettext("%(num)d day", "%(num)d days", days))
            for days in LIFETIMES
        ],
        default=str(LIFETIMES[0]),
    )
    submit = SubmitField(_l("Create the token"))
