"""Account rules: registration, passwords, verification and reset tokens, sessions."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.db import db


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()
