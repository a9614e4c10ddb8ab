"""The form that confirms a buyer's deletion of their own account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from marketplace.forms import Form


class DeleteAccountForm(Form):
    confirmation = PasswordField(
        _l("Your password (or, without one, your e-mail address)"),
        validators=[InputRequired(_l("Please fill in this field.")), Length(max=256)],
    )
    submit = SubmitField(_l("Delete my account"))
