"""Expressing interest and conversing about it: the rules both the pages and the API obey.

A buyer expresses interest in a public product; the interest opens a conversation with the
owner of the product's business. Submitting the same form twice (a double click, going back
and sending again) creates one interest: each form carries a one-time `submission_key`, and a
second request with the same key returns what the first one made. A second interest in the
same product while one is open joins that conversation as a message instead.

Functions add and flush; the caller commits. Notifications and e-mails are written in the same
transaction (see `marketplace.notifications.notify`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import Role, User
from marketplace.channels.models import Channel
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.interests import events, queries
from marketplace.interests.escalations import close_on_reply
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.products.models import Product
from marketplace.reference.loader import currencies, incoterms, units

MESSAGE_MAX = 4000
DESTINATION_MAX = 120
REASON_MAX = 1000
KEY_MAX = 64
QUANTITY_MAX = 2_000_000_000  # inside a 32-bit integer column
TARGET_PRICE_MAX = Decimal("999999999999.99")  # what NUMERIC(14, 2) holds
# Conversations where nobody may write any more.
SILENT_STATUSES = (InterestStatus.WITHDRAWN, InterestStatus.SPAM)


class InterestError(ServiceError):
    """A rule of expressing interest or conversing was not met."""


class InterestStateError(InterestError):
    """The interest's status does not allow this step."""


@dataclass(frozen=True)
class InterestData:
    message: str
    quantity: int | None = None
    unit: str | None = None
    target_price: Decimal | None = None
    currency: str | None = None
    incoterm: str | None = None
    destination: str | None = None


@dataclass(frozen=True)
class Submission:
    """What a submitted interest form led to."""

    interest: Interest
    created: bool  # a new conversation was opened
    joined: bool  # the message was added to the buyer's open conversation
    repeated: bool  # the same form had been submitted before: nothing new was added


# ---------------------------------------------------------------------------------------------
# Text


def clean_text(raw: str | None, limit: int, *, multiline: bool = True) -> str:
    """Trimmed text without NUL or other control characters (PostgreSQL refuses NUL).

    Line breaks are kept (as \\n) where `multiline`; the limit counts characters. Raises
    InterestError naming the limit when the text is longer.
    """
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch for ch in text if ch.isprintable() or ch == "\t" or (multiline and ch == "\n")
    )
    if not multiline:
        kept = " ".join(kept.split())
    kept = kept.strip()
    if len(kept) > limit:
        raise InterestError(_l("Please keep the text to %(n)d characters or fewer.", n=limit))
    return kept


def _require_text(raw: str | None, limit: int, missing: LazyString) -> str:
    text = clean_text(raw, limit)
    if not text:
        raise InterestError(missing)
    return text


# ---------------------------------------------------------------------------------------------
# Expressing interest


def _check_buyer(buyer: User) -> None:
    if buyer.role != Role.BUYER:
        raise InterestError(_l("Only buyers can express interest in a product."))
    if buyer.email_verified_at is None:
        raise InterestError(
            _l(
                "Please verify your e-mail address first, with the link we sent you. "
                "You can ask for a new link in your account settings."
            )
        )


def checked_terms(data: InterestData) -> InterestData:
    """The terms as they will be stored, or InterestError naming what is wrong."""
    message = _require_text(
        data.message, MESSAGE_MAX, _l("Please write a message to the business.")
    )
    if data.quantity is not None and not 0 < data.quantity <= QUANTITY_MAX:
        raise InterestError(_l("The quantity must be a whole number above zero."))
    if data.unit is not None and data.unit not in units():
        raise InterestError(_l("Choose a unit from the list."))
    if data.incoterm and data.incoterm not in incoterms():
        raise InterestError(_l("Choose an Incoterm from the list."))
    price, currency = data.target_price, data.currency or None
    if price is not None:
        if not Decimal(0) < price <= TARGET_PRICE_MAX or price != price.quantize(Decimal("0.01")):
            raise InterestError(_l("The target price must be above zero, with at most 2 decimals."))
        if currency not in currencies():
            raise InterestError(_l("Choose the currency of the target price."))
    elif currency is not None and currency not in currencies():
        raise InterestError(_l("Choose a currency from the list."))
    destination = clean_text(data.destination, DESTINATION_MAX, multiline=False) or None
    return InterestData(
        message=message,
        quantity=data.quantity,
        unit=(data.unit or None) if data.quantity is not None else None,
        target_price=price,
        currency=currency if price is not None else None,
        incoterm=data.incoterm or None,
        destination=destination,
    )


def check_key(submission_key: str) -> str:
    key = (submission_key or "").strip()
    if not key or len(key) > KEY_MAX or not key.isascii():
        raise InterestError(_l("The form has expired. Please reload the page and send it again."))
    return key


def _repeated(buyer: User, key: str) -> Submission | None:
    """What an earlier request with the same form key made, if there was one."""
    interest = db.session.scalar(queries.interest_by_key(key))
    if interest is not None:
        if interest.buyer_id != buyer.id:
            raise InterestError(
                _l("The form has expired. Please reload the page and send it again.")
            )
        return Submission(interest, created=False, joined=False, repeated=True)
    message = db.session.scalar(queries.message_by_key(key))
    if message is not None:
        if message.sender_id != buyer.id:
            raise InterestError(
                _l("The form has expired. Please reload the page and send it again.")
            )
        return Submission(message.interest, created=False, joined=True, repeated=True)
    return None


def _terms_summary(terms: InterestData) -> str:
    """A language-neutral line of the terms, put above a message that joins a conversation."""
    parts: list[str] = []
    if terms.quantity is not None:
        parts.append(f"{terms.quantity} {terms.unit or ''}".strip())
    if terms.target_price is not None:
        parts.append(f"{terms.currency} {terms.target_price:.2f}")
    if terms.incoterm:
        parts.append(terms.incoterm + (f" {terms.destination}" if terms.destination else ""))
    elif terms.destination:
        parts.append(terms.destination)
    return " · ".join(parts)


def _existing_channel(channel_id: int | None) -> int | None:
    """A visit's channel, if it still exists (the cookie may outlive it)."""
    if channel_id is None:
        return None
    return channel_id if db.session.get(Channel, channel_id) is not None else None


def express_interest(
    product: Product,
    buyer: User,
    data: InterestData,
    *,
    submission_key: str,
    channel_id: int | None = None,
) -> Submission:
    """Open a conversation about `product`, or add to the buyer's open one.

    `channel_id` is the channel the visit came through (a QR tag or a channel page); None
    means the buyer came directly. Repeating a request with the same `submission_key` changes
    nothing and returns the first result. The buyer's row is locked first, so two requests of
    one buyer are decided one after the other (on SQLite the write lock does the same).
    """
    _check_buyer(buyer)
    if not product.is_public:
        raise InterestError(_l("This product is not available any more."))
    key = check_key(submission_key)
    terms = checked_terms(data)
    db.session.execute(sa.select(User.id).where(User.id == buyer.id).with_for_update())
    repeated = _repeated(buyer, key)
    if repeated is not None:
        return repeated

    conversation = db.session.scalar(queries.open_interest(buyer.id, product.id))
    if conversation is not None:
        summary = _terms_summary(terms)
        body = f"{summary}\n\n{terms.message}" if summary else terms.message
        try:
            with db.session.begin_nested():
                message = _add_message(conversation, buyer, body, key)
        except sa.exc.IntegrityError:
            found = _repeated(buyer, key)
            if found is None:
                raise
            return found
        events.message_posted.send(message)
        return Submission(conversation, created=False, joined=True, repeated=False)

    interest = Interest(
        buyer=buyer,
        product=product,
        channel_id=_existing_channel(channel_id),
        quantity=terms.quantity,
        unit=terms.unit,
        target_price=terms.target_price,
        currency=terms.currency,
        incoterm=terms.incoterm,
        destination=terms.destination,
        message=terms.message,
        status=InterestStatus.NEW,
        buyer_read_at=utcnow(),
        submission_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(interest)
    except sa.exc.IntegrityError:
        # Another request with the same key won the race: answer with what it made.
        found = _repeated(buyer, key)
        if found is None:
            raise
        return found
    events.interest_expressed.send(interest)
    return Submission(interest, created=True, joined=False, repeated=False)


# ---------------------------------------------------------------------------------------------
# The conversation


def is_buyer(interest: Interest, user: User) -> bool:
    return interest.buyer_id == user.id


def is_owner(interest: Interest, user: User) -> bool:
    return interest.product.business.owner_id == user.id


def can_write(interest: Interest, user: User) -> bool:
    """The two parties write while the conversation is neither withdrawn nor spam. A visitor
    met at a stand has no account to read it: the MSME answers them by mail or WhatsApp."""
    if interest.visitor_id is not None:
        return False
    return (is_buyer(interest, user) or is_owner(interest, user)) and (
        interest.status not in SILENT_STATUSES
    )


def _add_message(interest: Interest, sender: User, body: str, key: str | None = None) -> Message:
    now = utcnow()
    message = Message(
        interest=interest, sender_id=sender.id, body=body, submission_key=key, created_at=now
    )
    db.session.add(message)
    if is_buyer(interest, sender):
        interest.buyer_read_at = now
    else:
        interest.owner_read_at = now
    db.session.flush()
    return message


def post_message(interest: Interest, sender: User, body: str) -> Message:
    """Add a message; the owner's first one answers the interest (it becomes "replied").

    The interest's row is locked first: two first answers at once make one "replied" step."""
    lock(interest)
    if not (is_buyer(interest, sender) or is_owner(interest, sender)):
        raise InterestError(_l("Only the buyer and the business can write in this conversation."))
    if interest.status in SILENT_STATUSES:
        raise InterestStateError(_l("This conversation is closed."))
    text = _require_text(body, MESSAGE_MAX, _l("Please write a message."))
    message = _add_message(interest, sender, text)
    if is_owner(interest, sender):
        record_first_reply(interest, sender, message.created_at)
    events.message_posted.send(message)
    return message


def record_first_reply(interest: Interest, owner: User, at: datetime | None = None) -> None:
    """The first answer starts the reply clock's end and opens the contact details to the buyer.

    A new interest becomes "replied" (written to the audit log like every change of status).
    """
    if interest.first_reply_at is None:
        interest.first_reply_at = at or utcnow()
        if interest.escalated_at is not None:
            close_on_reply(interest, interest.first_reply_at)
    if interest.status == InterestStatus.NEW:
        interest.status = InterestStatus.REPLIED
        record_audit(
            owner,
            AuditAction.INTEREST_REPLIED,
            "interest",
            interest.id,
            before={"status": InterestStatus.NEW.value},
            after={"status": InterestStatus.REPLIED.value},
        )
    db.session.flush()


def mark_read(interest: Interest, reader: User) -> None:
    """Move the reader's marker to now; officers reading along leave no marker."""
    now = utcnow()
    if is_buyer(interest, reader):
        interest.buyer_read_at = now
    elif is_owner(interest, reader):
        interest.owner_read_at = now
    else:
        return
    events.thread_read.send(interest, reader=reader)
    db.session.flush()
