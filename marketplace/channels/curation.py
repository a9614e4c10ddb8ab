"""Nominations and curation: an MSME puts a product forward, officers score it, one decides.

    nominated -> accepted | declined(reason)      nominated | accepted -> withdrawn (owner)

Only published products of verified businesses, only to an open channel inside its application
window, never beyond its capacity, and never twice at once to the same channel. A decision
always carries a reason the MSME sees. Capacity holds even when two officers accept at the same
moment: every change that counts places or depends on a nomination's status locks the channel
first (`lock_channel`) and re-reads under the lock.

Accepted products get a shelf or booth code and a permanent QR token; in a showroom they then
follow the shelf flow (see `shelf`), and the owner may withdraw them only until they are shipped.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.channels.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationScore,
    NominationStatus,
    ShelfStage,
)
from marketplace.channels.services import ChannelError, accepted_count, lock_channel
from marketplace.db import db, lock, utcnow
from marketplace.errors import ConflictError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.periods import bandung_today
from marketplace.products.models import Product, ProductStatus

NOTE_MAX = 2000
REASON_MAX = 2000
OPEN_STATUSES = (NominationStatus.NOMINATED, NominationStatus.ACCEPTED)
NOT_YET_SHIPPED = (None, ShelfStage.ACCEPTED)
SHELF_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 .\-/]{0,19}$")
CODE_PREFIX = {
    ChannelKind.SHOWROOM: "S",
    ChannelKind.TRADE_FAIR: "B",
    ChannelKind.FESTIVAL: "F",
    ChannelKind.EXCHANGE: "E",
}


class NominationError(ChannelError):
    """A rule about nominating or curating was not met."""


class CapacityError(NominationError):
    """Every place of the channel is taken."""


def window_is_open(channel: Channel, today: date) -> bool:
    opens, closes = channel.applications_open_on, channel.applications_close_on
    return (opens is None or opens <= today) and (closes is None or today <= closes)


def accepts_nominations(channel: Channel, today: date) -> bool:
    return channel.status == ChannelStatus.OPEN and window_is_open(channel, today)


# Dated events: a single date is the day of the event. A showroom's or an exchange's lone date
# is when it began, and it runs on.
ONE_DAY_KINDS = (ChannelKind.TRADE_FAIR, ChannelKind.FESTIVAL)


def has_ended(channel: Channel, today: date) -> bool:
    """The channel's last day (its end date, or the date of a one-day fair or festival) has
    passed in Bandung, whatever its status still says."""
    last = channel.ends_on
    if last is None and channel.kind in ONE_DAY_KINDS:
        last = channel.starts_on
    return last is not None and last < today


def is_past(channel: Channel, today: date) -> bool:
    """Shown to visitors as a past edition: archived by the office, or its dates are over."""
    return channel.status == ChannelStatus.ARCHIVED or has_ended(channel, today)


def shown_status(channel: Channel, today: date) -> ChannelStatus:
    """The status a visitor is told: a past edition once it is past, whatever its status still
    says; "open for nominations" only while nominations are really taken."""
    if is_past(channel, today):
        return ChannelStatus.ARCHIVED
    if channel.status == ChannelStatus.OPEN and not accepts_nominations(channel, today):
        return ChannelStatus.CLOSED
    return channel.status


def reload_nomination(nomination_id: int) -> Nomination:
    """The nomination as committed now (call after `lock_channel`), not as last seen."""
    found = db.session.execute(
        sa.select(Nomination)
        .where(Nomination.id == nomination_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise ConflictError(_l("This nomination no longer exists."))
    return found


def _audit(
    actor: User, action: AuditAction, nomination: Nomination, before: str, reason: str | None
) -> None:
    after = {
        "status": nomination.status.value,
        "stage": nomination.stage and nomination.stage.value,
    }
    record_audit(
        actor, action, "nomination", nomination.id, {"status": before}, after, reason or None
    )


# ---------------------------------------------------------------------------------------------
# The MSME's side


def nominate(
    product: Product, owner: User, channel: Channel, note: str = "", today: date | None = None
) -> Nomination:
    today = today or bandung_today()
    if product.business.owner_id != owner.id:
        raise NominationError(_l("You can only nominate your own products."))
    if not product.is_public:
        # Tell the owner which half of the rule is missing.
        if product.status != ProductStatus.PUBLISHED:
            raise NominationError(_l("Only published products can be nominated."))
        raise NominationError(_l("Your business must be verified before it nominates products."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise NominationError(_l("The note may be at most %(n)s characters long.", n=NOTE_MAX))
    locked = lock_channel(channel.id)
    if locked.status != ChannelStatus.OPEN:
        raise NominationError(_l("This channel is not taking nominations."))
    if not window_is_open(locked, today):
        raise NominationError(_l("Applications for this channel are not open today."))
    if locked.capacity is not None and accepted_count(locked.id) >= locked.capacity:
        raise CapacityError(_l("Every place in this channel is taken."))
    duplicate = db.session.scalar(
        sa.select(Nomination.id).where(
            Nomination.product_id == product.id,
            Nomination.channel_id == locked.id,
            Nomination.status.in_(OPEN_STATUSES),
        )
    )
    if duplicate is not None:
        raise NominationError(_l("This product is already nominated to this channel."))
    nomination = Nomination(product=product, channel=locked, note=note)
    db.session.add(nomination)
    db.session.flush()
    record_audit(
        owner,
        AuditAction.NOMINATION_CREATE,
        "nomination",
        nomination.id,
        None,
        {"status": "nominated"},
    )
    return nomination


def can_withdraw(nomination: Nomination) -> bool:
    return nomination.status in OPEN_STATUSES and nomination.stage in NOT_YET_SHIPPED


def withdraw(nomination: Nomination, owner: User) -> Nomination:
    """The owner takes a product back, until it has been shipped. A QR token already issued
    stays with the withdrawn nomination (printed tags keep working, see `visits`)."""
    if nomination.product.business.owner_id != owner.id:
        raise NominationError(_l("You can only withdraw your own nominations."))
    lock_channel(nomination.channel_id)
    current = reload_nomination(nomination.id)
    if current.status not in OPEN_STATUSES:
        raise ConflictError(_l("This nomination is no longer open."))
    if current.stage not in NOT_YET_SHIPPED:
        raise NominationError(_l("The product has been shipped and can no longer be withdrawn."))
    before = current.status.value
    current.status = NominationStatus.WITHDRAWN
    db.session.flush()
    _audit(owner, AuditAction.NOMINATION_WITHDRAW, current, before, None)
    return current


# ---------------------------------------------------------------------------------------------
# The office's side


def score_nomination(
    nomination: Nomination, officer: User, score: int, comment: str = ""
) -> NominationScore:
    """One score per officer: scoring again replaces the earlier score. The nomination's row
    is locked first, so the same officer's two clicks at once make one score, not an error."""
    if not 1 <= score <= 5:
        raise NominationError(_l("A score lies between 1 and 5."))
    lock(nomination)
    if nomination.status != NominationStatus.NOMINATED:
        raise NominationError(_l("Only nominations waiting for a decision can be scored."))
    existing = db.session.scalar(
        sa.select(NominationScore).where(
            NominationScore.nomination_id == nomination.id,
            NominationScore.officer_id == officer.id,
        )
    )
    before = None if existing is None else {"score": existing.score, "comment": existing.comment}
    if existing is None:
        existing = NominationScore(nomination_id=nomination.id, officer_id=officer.id, score=score)
        db.session.add(existing)
    existing.score = score
    existing.comment = comment.strip()[:REASON_MAX]
    existing.created_at = utcnow()
    db.session.flush()
    after = {"score": existing.score, "comment": existing.comment}
    record_audit(officer, AuditAction.NOMINATION_SCORED, "nomination", nomination.id, before, after)
    return existing


def decide_nomination(
    nomination: Nomination,
    officer: User,
    accept: bool,
    reason: str,
    shelf_code: str | None = None,
) -> Nomination:
    """Accept or decline, always with a reason the MSME sees.

    Under the channel lock: the nomination must still wait for a decision (another officer may
    have decided it a moment ago), and an acceptance needs a free place.
    """
    reason = reason.strip()
    if not reason:
        raise NominationError(_l("Give a reason: the MSME sees it."))
    if len(reason) > REASON_MAX:
        raise NominationError(_l("The reason may be at most %(n)s characters long.", n=REASON_MAX))
    channel = lock_channel(nomination.channel_id)
    current = reload_nomination(nomination.id)
    if current.status != NominationStatus.NOMINATED:
        raise ConflictError(_l("Someone else has already decided this nomination."))
    if channel.status not in (ChannelStatus.OPEN, ChannelStatus.CLOSED):
        raise NominationError(_l("Nominations of a draft or archived channel cannot be decided."))
    if accept:
        product = current.product
        if not product.is_public:
            raise NominationError(_l("The product is no longer published; it cannot be accepted."))
        if channel.capacity is not None and accepted_count(channel.id) >= channel.capacity:
            raise CapacityError(
                _l("Every place in this channel is taken (%(n)s of %(n)s).", n=channel.capacity)
            )
        current.shelf_code = free_shelf_code(channel, shelf_code)
        current.qr_token = new_qr_token()
        current.stage = ShelfStage.ACCEPTED if channel.kind == ChannelKind.SHOWROOM else None
        current.status = NominationStatus.ACCEPTED
    else:
        current.status = NominationStatus.DECLINED
    current.decided_by_id = officer.id
    current.decided_at = utcnow()
    current.decision_reason = reason
    db.session.flush()
    action = AuditAction.NOMINATION_ACCEPT if accept else AuditAction.NOMINATION_DECLINE
    _audit(officer, action, current, NominationStatus.NOMINATED.value, reason)
    return current


def new_qr_token() -> str:
    """Short enough for a small QR code, long enough not to be guessed (64 random bits)."""
    while True:
        token = secrets.token_urlsafe(8)
        if db.session.scalar(sa.select(Nomination.id).where(Nomination.qr_token == token)) is None:
            return token


def clean_code(code: str) -> str:
    code = " ".join(code.split()).upper()
    if not SHELF_CODE.match(code):
        raise NominationError(
            _l(
                "A shelf or booth code has up to 20 letters, digits, spaces, dots, dashes "
                "or slashes."
            )
        )
    return code


def code_taken(channel: Channel, code: str, except_id: int | None = None) -> bool:
    query = sa.select(Nomination.id).where(
        Nomination.channel_id == channel.id,
        Nomination.shelf_code == code,
        Nomination.status == NominationStatus.ACCEPTED,
    )
    if except_id is not None:
        query = query.where(Nomination.id != except_id)
    return db.session.scalar(query) is not None


def free_shelf_code(channel: Channel, wanted: str | None) -> str:
    """The officer's code if free; otherwise the next of the channel's own numbering (B-001...)."""
    if wanted and wanted.strip():
        code = clean_code(wanted)
        if code_taken(channel, code):
            raise NominationError(_l("Another product already has this shelf or booth code."))
        return code
    used = set(
        db.session.scalars(
            sa.select(Nomination.shelf_code).where(
                Nomination.channel_id == channel.id, Nomination.shelf_code.is_not(None)
            )
        )
    )
    n = len(used) + 1
    while f"{CODE_PREFIX[channel.kind]}-{n:03d}" in used:
        n += 1
    return f"{CODE_PREFIX[channel.kind]}-{n:03d}"
