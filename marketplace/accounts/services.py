"""Account rules: registration, logging in, verification and reset, settings (suspension:
`moderation.py`).

Everything that must hold for the pages, the API and the command line alike is decided here.
Functions add and flush; the caller commits. Mail is queued in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.accounts import tokens
from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User, UserStatus
from marketplace.accounts.passwords import (
    hash_password,
    needs_rehash,
    unusable_password,
    verify_password,
)
from marketplace.accounts.queries import user_by_email
from marketplace.db import db, utcnow
from marketplace.errors import ServiceError
from marketplace.i18n import UI_LOCALES
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_template_email
from marketplace.reference.models import PartnerCity
from marketplace.timezones import is_known_zone
from marketplace.urls import public_url

MIN_PASSWORD_LENGTH = 10
# People may sign themselves up only as MSME owners or buyers; staff come from the command line.
SELF_SERVICE_ROLES = (Role.MSME, Role.BUYER)


class AccountError(ServiceError):
    """An account rule was not met."""


class EmailTakenError(AccountError):
    """Only raised where revealing it is safe (the command line); registration stays silent."""


class WeakPasswordError(AccountError):
    pass


class WrongPasswordError(AccountError):
    pass


class LoginFailedError(AccountError):
    """One message for every failure, so a login never reveals whether an address is known."""

    def __init__(self) -> None:
        super().__init__(_l("E-mail or password is incorrect."))


@dataclass(frozen=True)
class BuyerDetails:
    company: str
    buyer_type: BuyerType
    city: str
    country_code: str
    partner_city_id: int | None = None


# ---------------------------------------------------------------------------------------------
# Values


def normalise_email(raw: str) -> str:
    """Addresses are compared and stored trimmed and lower-cased."""
    return raw.strip().lower()


def check_email(raw: str) -> str:
    """The normalised address, or AccountError when it cannot be an e-mail address."""
    email = normalise_email(raw)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(_l("Enter a valid e-mail address.")) from exc
    return email


def check_password_rules(password: str, email: str) -> None:
    """At least ten characters, not one character repeated, not the e-mail address itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if len(set(password)) == 1:
        raise WeakPasswordError(_l("Use more than one different character."))
    if password.strip().lower() == normalise_email(email):
        raise WeakPasswordError(_l("Your password must not be your e-mail address."))


def check_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > 120:
        raise AccountError(_l("Enter your name (at most 120 characters)."))
    return name


def is_country_code(code: str) -> bool:
    """An ISO 3166 alpha-2 code that Babel knows a name for."""
    return len(code) == 2 and code.isalpha() and code.isupper() and code in _territories()


@cache
def _territories() -> frozenset[str]:
    return frozenset(Locale.parse("en").territories)


def check_buyer(details: BuyerDetails, *, complete: bool) -> BuyerDetails:
    """Validate a buyer's details: every buyer gives a country; a business (any type but a
    private person) also its company's name, and with `complete` (the profile page) its city.
    A private buyer needs no company: one given is dropped."""
    business = BuyerType(details.buyer_type).is_business
    company = " ".join(details.company.split()) if business else ""
    city = " ".join(details.city.split())
    if (business and not company) or len(company) > 160:
        raise AccountError(_l("Enter your company's name (at most 160 characters)."))
    if (complete and business and not city) or len(city) > 120:
        raise AccountError(_l("Enter your city (at most 120 characters)."))
    if not is_country_code(details.country_code):
        raise AccountError(_l("Choose your country."))
    if details.partner_city_id is not None:
        if db.session.get(PartnerCity, details.partner_city_id) is None:
            raise AccountError(_l("Choose a partner city from the list."))
    return BuyerDetails(
        company=company,
        buyer_type=BuyerType(details.buyer_type),
        city=city,
        country_code=details.country_code,
        partner_city_id=details.partner_city_id,
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(user_by_email(normalise_email(email)))


# ---------------------------------------------------------------------------------------------
# Creating accounts


def create_account(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    locale: str = "en",
    buyer: BuyerDetails | None = None,
    verified: bool = False,
) -> User:
    """A new account of any role; a buyer account needs its company details."""
    email = check_email(email)
    name = check_name(name)
    check_password_rules(password, email)
    if locale not in UI_LOCALES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    if role == Role.BUYER:
        if buyer is None:
            raise AccountError(_l("A buyer account needs the company's details."))
        buyer = check_buyer(buyer, complete=False)
    if find_user(email) is not None:
        raise EmailTakenError(_l("An account with this e-mail address already exists."))

    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
    )
    return add_new_user(user, buyer if role == Role.BUYER else None)


def add_new_user(user: User, buyer: BuyerDetails | None) -> User:
    """Add `user` (with a buyer profile from checked `buyer` details, if any) in a savepoint: a
    concurrent registration of the same address loses here with EmailTakenError, not a 500."""
    if buyer is not None:
        user.buyer_profile = BuyerProfile(
            company=buyer.company,
            buyer_type=buyer.buyer_type,
            city=buyer.city,
            country_code=buyer.country_code,
            partner_city_id=buyer.partner_city_id,
        )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except sa.exc.IntegrityError as exc:
        raise EmailTakenError(_l("An account with this e-mail address already exists.")) from exc
    return user


def register_account(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    locale: str,
    buyer: BuyerDetails | None = None,
    next_url: str | None = None,
) -> User | None:
    """Sign someone up and mail the verification link (which leads on to `next_url`, a path
    on this site the caller has checked, once the address is verified).

    When the address already has an account nothing is created and the owner of the address is
    told by mail instead; the caller shows the same answer either way, so registration never
    reveals who has an account. Returns the new user, or None when the address was taken.
    """
    if role not in SELF_SERVICE_ROLES:
        raise AccountError(_l("Choose whether you are an MSME owner or a buyer."))
    email = check_email(email)
    if role == Role.BUYER:
        if buyer is None:
            raise AccountError(_l("A buyer account needs the company's details."))
        buyer = check_buyer(buyer, complete=False)
    existing = find_user(email)
    if existing is not None:
        # Spend the same work as a real sign-up, so the answer takes as long.
        hash_password(password)
        _mail_registration_attempt(existing)
        return None
    try:
        user = create_account(
            email=email, name=name, password=password, role=role, locale=locale, buyer=buyer
        )
    except EmailTakenError:
        return None
    send_verification(user, next_url)
    return user


# ---------------------------------------------------------------------------------------------
# Verification and reset


def send_verification(user: User, next_url: str | None = None) -> OutboxEmail:
    if user.email_verified_at is not None:
        raise AccountError(_l("Your e-mail address is already verified."))
    hours = current_app.config["TOKEN_MAX_AGE"] // 3600
    return queue_template_email(
        user.email,
        user.locale,
        _l("Please verify your e-mail address"),
        "verify_email",
        name=user.name,
        link=public_url(
            "accounts.verify_email",
            token=tokens.make_verify_token(user),
            **({"next": next_url} if next_url else {}),
        ),
        hours=hours,
    )


def check_verify_token(token: str) -> User:
    """The account a verification link is for, changing nothing; TokenError when it cannot be
    used (the same checks `verify_email` makes)."""
    return tokens.read_verify_token(token)


def verify_email(token: str) -> User:
    """Mark the address verified; raises a TokenError when the link cannot be used."""
    user = tokens.read_verify_token(token)
    user.email_verified_at = utcnow()
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has this address; do nothing otherwise.

    The caller answers the same in both cases.
    """
    user = find_user(email)
    if user is None or user.status != UserStatus.ACTIVE:
        return
    _mail_reset_link(user)


def check_reset_token(token: str) -> User:
    return tokens.read_reset_token(token)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the account ends.

    Following the link proves the person reads the mailbox, so the address counts as verified.
    """
    user = tokens.read_reset_token(token)
    check_password_rules(new_password, user.email)
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    user.end_all_sessions()
    db.session.flush()
    return user


def _mail_reset_link(user: User) -> OutboxEmail:
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    return queue_template_email(
        user.email,
        user.locale,
        _l("Reset your password"),
        "reset_password",
        name=user.name,
        link=public_url("accounts.reset_password", token=tokens.make_reset_token(user)),
        minutes=minutes,
    )


def open_staff_account(*, email: str, name: str, role: Role, locale: str) -> User:
    """An account made by an admin for someone who works with the office (a channel
    coordinator): no password until its owner chooses one through the mailed link."""
    email = check_email(email)
    name = check_name(name)
    if locale not in UI_LOCALES:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    if find_user(email) is not None:
        raise EmailTakenError(_l("An account with this e-mail address already exists."))
    user = add_new_user(
        User(
            email=email,
            name=name,
            password_hash=unusable_password(),
            role=role,
            locale=locale,
        ),
        None,
    )
    db.session.flush()
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    queue_template_email(
        user.email,
        user.locale,
        _l("Your account at the Bandung Export Marketplace"),
        "staff_welcome",
        name=user.name,
        link=public_url("accounts.reset_password", token=tokens.make_reset_token(user)),
        reset_link=public_url("accounts.request_reset"),
        minutes=minutes,
    )
    return user


def _mail_registration_attempt(user: User) -> OutboxEmail:
    return queue_template_email(
        user.email,
        user.locale,
        _l("Someone tried to register with your e-mail address"),
        "registration_attempt",
        name=user.name,
        login_link=public_url("accounts.login"),
        reset_link=public_url("accounts.request_reset"),
    )


# ---------------------------------------------------------------------------------------------
# Logging in and sessions


def check_credentials(email: str, password: str) -> User:
    """The active account these credentials open; LoginFailedError otherwise, always the same.

    Reads only: the slow part of a login (the password hash) needs no write lock."""
    user = find_user(email)
    # Check a password even for unknown addresses, so both answers take as long.
    ok = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not ok or user.status != UserStatus.ACTIVE:
        raise LoginFailedError()
    return user


def record_login(user: User, password: str) -> None:
    """The time of the login; a hash made with weaker settings is made again (rarely slow)."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()


def end_sessions(user: User) -> None:
    """Every session and remember-me cookie of the user stops working."""
    user.end_all_sessions()
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The current password must be given; other sessions of the account end."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPasswordError(_l("Your current password is not correct."))
    check_password_rules(new_password, user.email)
    if new_password == current_password:
        raise WeakPasswordError(_l("Choose a password different from the current one."))
    user.password_hash = hash_password(new_password)
    user.end_all_sessions()
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Settings


def update_settings(user: User, name: str, locale: str, timezone: str | None = None) -> None:
    """What the settings form holds, all of it; a time zone of None means the automatic one."""
    user.name = check_name(name)
    set_locale(user, locale)
    set_timezone(user, timezone)


def set_locale(user: User, locale: str) -> None:
    if locale not in UI_LOCALES:
        raise AccountError(_l("Choose a language from the list."))
    user.locale = locale
    db.session.flush()


def set_timezone(user: User, timezone: str | None) -> None:
    """An IANA zone that zoneinfo and Babel both know, or None: the automatic zone."""
    if timezone is not None and not is_known_zone(timezone):
        raise AccountError(_l("Choose a time zone from the list."))
    user.timezone = timezone
    db.session.flush()
