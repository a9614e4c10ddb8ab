"""The interest's life cycle, moved by its two parties and watched by the office:

    new -> replied -> negotiating -> won(quantity, value and its currency) | lost(reason)
    any open state -> withdrawn (buyer) | spam (owner or officer)

The owner answers (by writing, or by marking an interest answered outside the marketplace),
negotiates, and records the outcome; a deal can be won once the buyer has been answered, and
lost at any open step. Every change of status is written to the audit log with who and why,
and the other party is told. Reports of spam go to the office's queue as an AbuseReport
(a ledger record).

Each step locks the interest's row first (`db.lock`) and checks the status committed then: two
clicks on "won" record one deal, and the second is told the interest is closed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import User
from marketplace.db import db, lock, utcnow
from marketplace.interests import events, queries
from marketplace.interests.models import OPEN_INTEREST_STATUSES, Interest, InterestStatus
from marketplace.interests.services import (
    QUANTITY_MAX,
    REASON_MAX,
    InterestError,
    InterestStateError,
    clean_text,
    is_buyer,
    is_owner,
    record_first_reply,
)
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.ledger.models import AbuseReport, ReportStatus
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH, minor_digits
from marketplace.periods import bandung_today
from marketplace.reference.loader import currencies

VALUE_MAX_IDR = 10**15  # a quadrillion rupiah: beyond any deal, inside a 64-bit integer
RATE_MAX = Decimal(10**9)  # rupiah per unit: what the rate column holds (Numeric(18, 6))
CLOSED_STATUSES = (
    InterestStatus.WON,
    InterestStatus.LOST,
    InterestStatus.WITHDRAWN,
    InterestStatus.SPAM,
)

# Which status each step may start from; the owner moves these.
OWNER_STEPS: dict[InterestStatus, tuple[InterestStatus, ...]] = {
    InterestStatus.REPLIED: (InterestStatus.NEW,),
    InterestStatus.NEGOTIATING: (InterestStatus.REPLIED,),
    InterestStatus.WON: (InterestStatus.REPLIED, InterestStatus.NEGOTIATING),
    InterestStatus.LOST: OPEN_INTEREST_STATUSES,
}
# What the audit log records for each step.
AUDIT_ACTIONS: dict[InterestStatus, AuditAction] = {
    InterestStatus.REPLIED: AuditAction.INTEREST_REPLIED,
    InterestStatus.NEGOTIATING: AuditAction.INTEREST_NEGOTIATING,
    InterestStatus.WON: AuditAction.INTEREST_WON,
    InterestStatus.LOST: AuditAction.INTEREST_LOST,
    InterestStatus.WITHDRAWN: AuditAction.INTEREST_WITHDRAWN,
    InterestStatus.SPAM: AuditAction.INTEREST_SPAM,
}


def next_owner_steps(interest: Interest) -> list[InterestStatus]:
    """The statuses the owner may move the interest to now (for the page's buttons)."""
    return [target for target, sources in OWNER_STEPS.items() if interest.status in sources]


def _require_owner(interest: Interest, owner: User) -> None:
    if not is_owner(interest, owner):
        raise InterestError(_l("Only the business can change the status of this interest."))


def _move(
    interest: Interest,
    actor: User,
    target: InterestStatus,
    *,
    reason: str | None = None,
    recorded: dict[str, Any] | None = None,
) -> None:
    before = interest.status
    interest.status = target
    if target in CLOSED_STATUSES:
        interest.closed_at = utcnow()
    db.session.flush()
    record_audit(
        actor,
        AUDIT_ACTIONS[target],
        "interest",
        interest.id,
        before={"status": before.value},
        after={"status": target.value, **(recorded or {})},
        reason=reason,
    )
    events.status_changed.send(interest, actor=actor)


def _check_step(interest: Interest, target: InterestStatus, refusal: LazyString) -> None:
    if interest.status not in OWNER_STEPS[target]:
        raise InterestStateError(refusal)


def mark_replied(interest: Interest, owner: User) -> None:
    """For an answer given outside the marketplace (a call, a meeting at the fair)."""
    lock(interest)
    _require_owner(interest, owner)
    _check_step(interest, InterestStatus.REPLIED, _l("Only a new interest can be marked answered."))
    record_first_reply(interest, owner)
    events.status_changed.send(interest, actor=owner)


def start_negotiating(interest: Interest, owner: User) -> None:
    lock(interest)
    _require_owner(interest, owner)
    _check_step(
        interest,
        InterestStatus.NEGOTIATING,
        _l("Negotiation can start once the buyer has been answered, and only once."),
    )
    _move(interest, owner, InterestStatus.NEGOTIATING)


def record_won(
    interest: Interest,
    owner: User,
    quantity: int,
    value: int | Decimal,
    currency: str = RUPIAH,
    idr_per_unit: Decimal | None = None,
) -> None:
    """A deal: how much was sold and its value, both above zero, in the currency it was
    negotiated in (rupiah or a partner city's).

    A value in another currency is counted in rupiah at `idr_per_unit`, by default the office's
    rate in force that day; without either the deal is refused. The interest keeps the amount,
    the currency and the rate beside the rupiah value, which reports sum.
    """
    lock(interest)
    _require_owner(interest, owner)
    _check_step(
        interest,
        InterestStatus.WON,
        _l("A deal can be recorded once the buyer has been answered, while the interest is open."),
    )
    if not 0 < quantity <= QUANTITY_MAX:
        raise InterestError(_l("The quantity sold must be a whole number above zero."))
    amount, rate = deal_terms(value, currency, idr_per_unit)
    value_idr = int((amount * rate).quantize(Decimal(1), ROUND_HALF_UP))
    if not 0 < value_idr <= VALUE_MAX_IDR:
        raise InterestError(_l("The value must be a whole number of rupiah above zero."))
    interest.won_quantity = quantity
    interest.won_value_idr = value_idr
    interest.won_amount = amount
    interest.won_currency = currency
    interest.won_idr_per_unit = rate
    recorded: dict[str, Any] = {"won_quantity": quantity, "won_value_idr": value_idr}
    if currency != RUPIAH:
        recorded |= {
            "won_amount": str(amount),
            "won_currency": currency,
            "won_idr_per_unit": str(rate),
        }
    _move(interest, owner, InterestStatus.WON, recorded=recorded)


def deal_terms(
    value: int | Decimal, currency: str, idr_per_unit: Decimal | None
) -> tuple[Decimal, Decimal]:
    """The deal's amount and the rupiah per unit it counts at, checked."""
    if currency not in currencies():
        raise InterestError(
            _l("%(currency)s is not a currency deals can be recorded in.", currency=currency[:8])
        )
    amount = Decimal(value)
    if not amount.is_finite() or not 0 < amount <= VALUE_MAX_IDR:
        raise InterestError(_l("The value must be an amount above zero."))
    if amount != amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), ROUND_HALF_UP):
        raise InterestError(
            _l(
                "%(currency)s amounts have at most %(digits)s decimals.",
                currency=currency,
                digits=minor_digits(currency),
            )
        )
    if currency == RUPIAH:
        return amount, Decimal(1)
    if idr_per_unit is None:
        rate = db.session.scalar(rate_in_force(currency, bandung_today()))
        if rate is None:
            raise InterestError(
                _l(
                    "The trade office has set no exchange rate for %(currency)s yet: enter the"
                    " rate you agreed on, or the value in rupiah.",
                    currency=currency,
                )
            )
        return amount, Decimal(rate.idr_per_unit)
    rate_given = Decimal(idr_per_unit)
    if rate_given.is_finite() and rate_given <= RATE_MAX:
        rate_given = rate_given.quantize(Decimal("0.000001"), ROUND_HALF_UP)
    if not rate_given.is_finite() or not 0 < rate_given <= RATE_MAX:
        raise InterestError(_l("The rate must be a number of rupiah above zero."))
    return amount, rate_given


def record_lost(interest: Interest, owner: User, reason: str) -> None:
    lock(interest)
    _require_owner(interest, owner)
    _check_step(interest, InterestStatus.LOST, _l("Only an open interest can be recorded as lost."))
    text = clean_text(reason, REASON_MAX)
    if not text:
        raise InterestError(_l("Please say why the deal did not happen."))
    interest.lost_reason = text
    _move(interest, owner, InterestStatus.LOST, reason=text)


def withdraw(interest: Interest, buyer: User) -> None:
    """The buyer ends an open conversation; the business is told."""
    lock(interest)
    if not is_buyer(interest, buyer):
        raise InterestError(_l("Only the buyer can withdraw this interest."))
    if interest.status not in OPEN_INTEREST_STATUSES:
        raise InterestStateError(_l("Only an open interest can be withdrawn."))
    _move(interest, buyer, InterestStatus.WITHDRAWN)


def mark_spam(interest: Interest, actor: User, reason: str | None = None) -> None:
    """The owner or an officer closes an open interest as spam; the buyer is not told."""
    lock(interest)
    if not (is_owner(interest, actor) or actor.is_staff):
        raise InterestError(_l("Only the business or the trade office can mark this as spam."))
    if interest.status not in OPEN_INTEREST_STATUSES:
        raise InterestStateError(_l("Only an open interest can be marked as spam."))
    _move(interest, actor, InterestStatus.SPAM, reason=clean_text(reason, REASON_MAX) or None)


def report_spam(interest: Interest, reporter: User, reason: str) -> tuple[AbuseReport, bool]:
    """Report the conversation to the trade office; returns the report and whether it is new.

    Either party may report. The owner's report also closes an open interest as spam; the
    buyer's report leaves the status to the office. Reporting again while a report of the same
    person is open adds nothing.
    """
    lock(interest)
    if not (is_buyer(interest, reporter) or is_owner(interest, reporter)):
        raise InterestError(_l("Only the buyer and the business can report this conversation."))
    text = clean_text(reason, REASON_MAX)
    if not text:
        raise InterestError(_l("Please tell the trade office what is wrong."))
    existing = db.session.scalar(
        sa.select(AbuseReport).where(
            AbuseReport.reporter_id == reporter.id,
            AbuseReport.subject_type == "interest",
            AbuseReport.subject_id == interest.id,
            AbuseReport.status == ReportStatus.OPEN,
        )
    )
    if existing is not None:
        return existing, False
    report = AbuseReport(
        reporter_id=reporter.id, subject_type="interest", subject_id=interest.id, reason=text
    )
    db.session.add(report)
    db.session.flush()
    if is_owner(interest, reporter) and interest.status in OPEN_INTEREST_STATUSES:
        mark_spam(interest, reporter, text)
    events.conversation_reported.send(
        interest, reporter=reporter, officers=db.session.scalars(queries.active_officers()).all()
    )
    return report, True
