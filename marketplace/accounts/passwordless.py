"""Buyer accounts opened by following a mailed link, and the first password their owner chooses.

A visitor who confirms an interest through the link in our mail (see `interests.pending`) gets
a buyer account on the spot: following the link proved the address, so it is verified; the
profile holds what the quick form asked; there is no password until the owner chooses one
(`User.has_password`). Until then they come back by the same kind of link (a later interest)
or through "forgot your password". Adds and flushes; the caller commits.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.accounts.passwords import hash_password, unusable_password
from marketplace.accounts.services import (
    AccountError,
    BuyerDetails,
    EmailTakenError,
    add_new_user,
    check_buyer,
    check_email,
    check_name,
    check_password_rules,
    find_user,
)
from marketplace.db import db, utcnow
from marketplace.i18n import UI_LOCALES


def open_buyer_account(*, email: str, name: str, locale: str, buyer: BuyerDetails) -> User:
    """A verified buyer account without a password; EmailTakenError when the address has one."""
    email = check_email(email)
    name = check_name(name)
    details = check_buyer(buyer, complete=False)
    if locale not in UI_LOCALES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    if find_user(email) is not None:
        raise EmailTakenError(_l("An account with this e-mail address already exists."))
    user = User(
        email=email,
        name=name,
        password_hash=unusable_password(),
        role=Role.BUYER,
        locale=locale,
        email_verified_at=utcnow(),
    )
    return add_new_user(user, details)


def choose_password(user: User, password: str) -> None:
    """The first password of an account opened by a link; a password once chosen is changed
    with the current one (`services.change_password`)."""
    if user.has_password:
        raise AccountError(_l("Your account already has a password."))
    check_password_rules(password, user.email)
    user.password_hash = hash_password(password)
    db.session.flush()
