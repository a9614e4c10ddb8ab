"""A visitor's interest without an account: kept aside until they confirm their e-mail address.

The quick form (the interest page as a visitor sees it) asks for a name, an e-mail address, the
country, a quantity and a message, and a company only from a business. What it sends becomes a
`PendingInterest` and a link is mailed to the address. Nothing reaches the business (no
interest, no notification, no mail) until the link is followed and confirmed. Confirming finds
or opens the buyer account of that address (`accounts.passwordless`) and then calls
`express_interest` with the channel the visit came through, so the business meets the
interest like any other.

- One answer whether or not the address has an account: the same mail, the same page.
- The link is signed, works for TOKEN_MAX_AGE (48 hours by default) and once: confirming marks
  the row, and the link's page then says it was used. A press repeated within REPEAT_GRACE (a
  double click, a reload of the answer) gets the same answer again and adds nothing: the
  form's submission key, which the interest keeps, makes `express_interest` return the first
  result.
- Rows older than the link are deleted (confirmed or not) on the next submission and by
  `flask purge-pending-interests`: an address nobody confirmed is not kept.
- An address that belongs to an MSME owner or to the office cannot become a buyer's: the
  confirmation page says so kindly, and nothing changes.
- An existing account whose address was never verified loses its password when the link is
  confirmed: only now has anyone proved the address, and whoever set that password may not
  be its owner (an account registered in someone else's name must not receive their interest).

Functions add and flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.accounts import tokens
from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User, UserStatus
from marketplace.accounts.passwordless import open_buyer_account
from marketplace.accounts.passwords import unusable_password
from marketplace.accounts.services import (
    BuyerDetails,
    EmailTakenError,
    check_buyer,
    check_email,
    check_name,
    find_user,
)
from marketplace.channels.models import Channel
from marketplace.db import db, lock, utcnow
from marketplace.i18n import UI_LOCALES
from marketplace.interests.models import PendingInterest
from marketplace.interests.services import (
    InterestData,
    InterestError,
    Submission,
    check_key,
    checked_terms,
    express_interest,
)
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_template_email
from marketplace.products.display import texts
from marketplace.products.models import Product
from marketplace.urls import public_url

CONFIRM_INTEREST = "confirm-interest"
REPEAT_GRACE = timedelta(minutes=10)


class PendingInterestError(InterestError):
    """The interest cannot be confirmed for this address; the message says why, kindly."""


@dataclass(frozen=True)
class VisitorInterest:
    """What the quick form asks."""

    name: str
    email: str
    buyer_type: BuyerType
    country_code: str
    message: str
    quantity: int | None = None
    company: str = ""


@dataclass(frozen=True)
class Confirmation:
    buyer: User
    submission: Submission
    new_account: bool
    # An account without a password is opened by the link itself; one with a password logs in
    # with it (a link that lives 48 hours must not be a key to an account someone protects).
    log_in: bool


def link_lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config["TOKEN_MAX_AGE"]))


# ---------------------------------------------------------------------------------------------
# The quick form


def submit_pending_interest(
    product: Product,
    data: VisitorInterest,
    *,
    locale: str,
    submission_key: str,
    channel_id: int | None = None,
) -> PendingInterest:
    """Keep the visitor's interest aside and mail the confirmation link to the address given.

    Submitting the same form again (the same key) changes nothing and mails nothing more.
    Whether the address has an account is not looked at here: the answer must not tell.
    """
    if not product.is_public:
        raise InterestError(_l("This product is not available any more."))
    key = check_key(submission_key)
    email = check_email(data.email)
    name = check_name(data.name)
    details = check_buyer(
        BuyerDetails(data.company, data.buyer_type, "", data.country_code), complete=False
    )
    terms = checked_terms(InterestData(data.message, data.quantity, product.unit))
    if channel_id is not None and db.session.get(Channel, channel_id) is None:
        channel_id = None  # a visit's cookie may outlive its channel
    purge_expired()
    repeated = db.session.scalar(
        sa.select(PendingInterest).where(PendingInterest.submission_key == key)
    )
    if repeated is not None:
        return repeated
    pending = PendingInterest(
        email=email,
        name=name,
        buyer_type=details.buyer_type,
        company=details.company or None,
        country_code=details.country_code,
        product=product,
        channel_id=channel_id,
        quantity=terms.quantity,
        unit=terms.unit,
        message=terms.message,
        locale=locale if locale in UI_LOCALES else "en",
        submission_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(pending)
    except sa.exc.IntegrityError:
        # The same form sent twice at once: the other request keeps it and mails the link.
        found = db.session.scalar(
            sa.select(PendingInterest).where(PendingInterest.submission_key == key)
        )
        if found is None:
            raise
        return found
    _mail_link(pending)
    return pending


def _mail_link(pending: PendingInterest) -> OutboxEmail:
    product = pending.product
    product_name = texts(product, pending.locale)[0].name
    return queue_template_email(
        pending.email,
        pending.locale,
        _l("Please confirm your interest in %(product)s", product=product_name),
        "confirm_interest",
        name=pending.name,
        product=product_name,
        business=product.business.name,
        link=public_url("quick_interest.confirm", token=make_confirm_token(pending)),
        hours=int(link_lifetime().total_seconds() // 3600),
    )


def purge_expired() -> int:
    """Delete what was sent longer ago than a link lives; how many rows went."""
    cutoff = utcnow() - link_lifetime()
    result = db.session.execute(
        sa.delete(PendingInterest).where(PendingInterest.created_at < cutoff)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------------------------------------
# The link


def make_confirm_token(pending: PendingInterest) -> str:
    return tokens.sign(
        CONFIRM_INTEREST, {"p": pending.id, "f": tokens.digest(pending.submission_key)}
    )


def _used(pending: PendingInterest, repeat_grace: bool) -> bool:
    confirmed = pending.confirmed_at
    if confirmed is None:
        return False
    return not (repeat_grace and utcnow() - confirmed <= REPEAT_GRACE)


def read_confirm_token(token: str, *, repeat_grace: bool = False) -> PendingInterest:
    """The pending interest a link confirms; TokenError when it is forged, expired or used
    (with `repeat_grace`, confirmed only moments ago counts as not used yet)."""
    max_age = int(link_lifetime().total_seconds())
    payload = tokens.read_signed(CONFIRM_INTEREST, token, max_age)
    pending_id, fingerprint = payload.get("p"), payload.get("f")
    if not isinstance(pending_id, int) or not isinstance(fingerprint, str):
        raise tokens.TokenInvalidError()
    pending = db.session.get(PendingInterest, pending_id)
    if pending is None or fingerprint != tokens.digest(pending.submission_key):
        raise tokens.TokenInvalidError()
    if _used(pending, repeat_grace):
        raise tokens.TokenUsedError()
    return pending


def check_account(pending: PendingInterest) -> User | None:
    """The account the interest will go to (None: one will be opened), or PendingInterestError
    when the address belongs to an account that cannot take it. Changes nothing."""
    user = find_user(pending.email)
    if user is None:
        return None
    if user.role != Role.BUYER:
        raise PendingInterestError(
            _l(
                "The address %(email)s belongs to an account of an MSME owner or of the trade "
                "office, which cannot express interest as a buyer. Please send the form again "
                "with another e-mail address.",
                email=pending.email,
            )
        )
    if user.status != UserStatus.ACTIVE:
        raise PendingInterestError(
            _l("The account of this address is suspended. Please write to the trade office.")
        )
    return user


def _buyer_details(pending: PendingInterest) -> BuyerDetails:
    return BuyerDetails(pending.company or "", pending.buyer_type, "", pending.country_code)


def _take_over_unproven(user: User, pending: PendingInterest) -> None:
    """An account whose address nobody had proved: the link's owner proves it now, and any
    password (set by whoever registered it) stops working, with every session."""
    user.password_hash = unusable_password()
    user.end_all_sessions()
    user.email_verified_at = utcnow()
    user.buyer_profile = None
    db.session.flush()
    user.buyer_profile = _new_profile(pending)


def _new_profile(pending: PendingInterest) -> BuyerProfile:
    details = check_buyer(_buyer_details(pending), complete=False)
    return BuyerProfile(
        company=details.company,
        buyer_type=details.buyer_type,
        city="",
        country_code=details.country_code,
    )


def _buyer_for(pending: PendingInterest) -> tuple[User, bool]:
    """The buyer account of the address, opened when there is none; and whether it is new."""
    user = check_account(pending)
    if user is None:
        try:
            return (
                open_buyer_account(
                    email=pending.email,
                    name=pending.name,
                    locale=pending.locale,
                    buyer=_buyer_details(pending),
                ),
                True,
            )
        except EmailTakenError:
            # Registered a moment ago, in another request: take the account as it is now.
            user = check_account(pending)
            if user is None:
                raise
    if user.email_verified_at is None:
        _take_over_unproven(user, pending)
    elif user.buyer_profile is None:
        user.buyer_profile = _new_profile(pending)
    return user, False


def confirm_pending_interest(token: str) -> Confirmation:
    """Confirm through the link: the account (found or opened), then the real interest.

    The pending row is locked first, so two presses of the button are decided one after the
    other: the second, within REPEAT_GRACE, finds what the first made and adds nothing.
    """
    pending = lock(read_confirm_token(token, repeat_grace=True))
    if _used(pending, repeat_grace=True):
        raise tokens.TokenUsedError()
    buyer, new_account = _buyer_for(pending)
    submission = express_interest(
        pending.product,
        buyer,
        InterestData(message=pending.message, quantity=pending.quantity, unit=pending.unit),
        submission_key=pending.submission_key,
        channel_id=pending.channel_id,
    )
    if pending.confirmed_at is None:
        pending.confirmed_at = utcnow()
    db.session.flush()
    return Confirmation(buyer, submission, new_account, log_in=not buyer.has_password)
