"""The interest's life cycle: every step the owner, the buyer and the office may take, the
steps they may not, the audit log, and reports of spam."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.interests.services import InterestError, InterestStateError, post_message
from marketplace.interests.transitions import (
    mark_replied,
    mark_spam,
    next_owner_steps,
    record_lost,
    record_won,
    report_spam,
    start_negotiating,
    withdraw,
)
from marketplace.ledger.models import AbuseReport, AuditEntry, ReportStatus
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import count, express

S = InterestStatus


def _interest(status: InterestStatus = S.NEW) -> tuple[Interest, User, User]:
    buyer, product = make_buyer(), make_listing()
    interest = express(buyer, product)
    interest.status = status
    db.session.flush()
    return interest, buyer, product.business.owner


def _audit(interest: Interest) -> list[tuple[str, dict[str, object] | None, str | None]]:
    rows = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == "interest", AuditEntry.subject_id == interest.id)
        .order_by(AuditEntry.id)
    )
    return [(row.action, row.after, row.reason) for row in rows]


def test_the_whole_way_to_a_won_deal_is_audited(ctx: Flask) -> None:
    interest, buyer, owner = _interest()
    assert next_owner_steps(interest) == [S.REPLIED, S.LOST]
    post_message(interest, owner, "Hello!")
    assert next_owner_steps(interest) == [S.NEGOTIATING, S.WON, S.LOST]
    start_negotiating(interest, owner)
    assert next_owner_steps(interest) == [S.WON, S.LOST]
    record_won(interest, owner, 50, 22_500_000)
    assert interest.status == S.WON and interest.closed_at is not None
    assert (interest.won_quantity, interest.won_value_idr) == (50, 22_500_000)
    assert next_owner_steps(interest) == []
    assert _audit(interest) == [
        ("interest.replied", {"status": "replied"}, None),
        ("interest.negotiating", {"status": "negotiating"}, None),
        ("interest.won", {"status": "won", "won_quantity": 50, "won_value_idr": 22_500_000}, None),
    ]


def test_a_deal_can_be_won_straight_after_the_reply(ctx: Flask) -> None:
    interest, _buyer, owner = _interest(S.REPLIED)
    record_won(interest, owner, 1, 450_000)
    assert interest.status == S.WON


def test_an_answer_outside_the_marketplace_counts_as_a_reply(ctx: Flask) -> None:
    interest, _buyer, owner = _interest()
    mark_replied(interest, owner)
    assert interest.status == S.REPLIED and interest.first_reply_at is not None
    with pytest.raises(InterestStateError):
        mark_replied(interest, owner)


def test_lost_needs_a_reason_and_is_audited_with_it(ctx: Flask) -> None:
    interest, _buyer, owner = _interest()
    with pytest.raises(InterestError, match="why"):
        record_lost(interest, owner, "  ")
    with pytest.raises(InterestError, match="1000"):
        record_lost(interest, owner, "x" * 1001)
    record_lost(interest, owner, "Their budget was\r\nfar below our price.")
    assert interest.status == S.LOST
    assert interest.lost_reason == "Their budget was\nfar below our price."
    assert _audit(interest) == [
        ("interest.lost", {"status": "lost"}, "Their budget was\nfar below our price.")
    ]


@pytest.mark.parametrize(("quantity", "value"), [(0, 100), (5, 0), (-1, 100), (5, -3), (5, 10**16)])
def test_a_won_deal_has_a_positive_quantity_and_value(
    ctx: Flask, quantity: int, value: int
) -> None:
    interest, _buyer, owner = _interest(S.NEGOTIATING)
    with pytest.raises(InterestError):
        record_won(interest, owner, quantity, value)
    assert interest.status == S.NEGOTIATING and interest.won_value_idr is None


ILLEGAL: list[tuple[InterestStatus, str]] = [
    (S.NEW, "negotiating"),
    (S.NEW, "won"),
    (S.NEGOTIATING, "negotiating"),
    (S.NEGOTIATING, "replied"),
    *[
        (closed, step)
        for closed in (S.WON, S.LOST, S.WITHDRAWN, S.SPAM)
        for step in ("replied", "negotiating", "won", "lost", "withdraw", "spam")
    ],
]


def _step(name: str, interest: Interest, buyer: User, owner: User) -> Callable[[], None]:
    return {
        "replied": lambda: mark_replied(interest, owner),
        "negotiating": lambda: start_negotiating(interest, owner),
        "won": lambda: record_won(interest, owner, 1, 1000),
        "lost": lambda: record_lost(interest, owner, "No."),
        "withdraw": lambda: withdraw(interest, buyer),
        "spam": lambda: mark_spam(interest, owner),
    }[name]


@pytest.mark.parametrize(("status", "step"), ILLEGAL)
def test_illegal_steps_are_refused_and_change_nothing(
    ctx: Flask, status: InterestStatus, step: str
) -> None:
    interest, buyer, owner = _interest(status)
    with pytest.raises(InterestStateError):
        _step(step, interest, buyer, owner)()
    assert interest.status == status
    assert _audit(interest) == []


def test_each_step_belongs_to_its_party(ctx: Flask) -> None:
    interest, buyer, owner = _interest(S.REPLIED)
    stranger = make_user(Role.MSME)
    for step in ("negotiating", "won", "lost", "spam"):
        with pytest.raises(InterestError, match="Only the business"):
            _step(step, interest, buyer, buyer)()
        with pytest.raises(InterestError, match="Only the business"):
            _step(step, interest, buyer, stranger)()
    with pytest.raises(InterestError, match="Only the buyer"):
        withdraw(interest, owner)
    assert interest.status == S.REPLIED


def test_the_buyer_withdraws_an_open_interest(ctx: Flask) -> None:
    interest, buyer, _owner = _interest(S.NEGOTIATING)
    withdraw(interest, buyer)
    assert interest.status == S.WITHDRAWN and interest.closed_at is not None
    assert _audit(interest) == [("interest.withdrawn", {"status": "withdrawn"}, None)]


def test_an_officer_may_mark_spam(ctx: Flask) -> None:
    interest, _buyer, _owner = _interest()
    officer = make_user(Role.OFFICER)
    mark_spam(interest, officer, "Bulk mail to 40 businesses.")
    assert interest.status == S.SPAM
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.reason) == (
        officer.id,
        "interest.spam",
        "Bulk mail to 40 businesses.",
    )


def test_the_buyers_report_goes_to_the_office_and_leaves_the_status(ctx: Flask) -> None:
    interest, buyer, _owner = _interest(S.REPLIED)
    report, new = report_spam(interest, buyer, "They keep asking for payment up front.")
    assert new
    assert (report.reporter_id, report.subject_type, report.subject_id, report.status) == (
        buyer.id,
        "interest",
        interest.id,
        ReportStatus.OPEN,
    )
    assert interest.status == S.REPLIED
    again, new_again = report_spam(interest, buyer, "Again")
    assert again.id == report.id and not new_again
    assert count(AbuseReport) == 1


def test_the_owners_report_also_marks_the_interest_as_spam(ctx: Flask) -> None:
    interest, _buyer, owner = _interest()
    report_spam(interest, owner, "An advert for crypto.")
    assert interest.status == S.SPAM
    assert count(AbuseReport, AbuseReport.reporter_id == owner.id) == 1
    assert _audit(interest) == [("interest.spam", {"status": "spam"}, "An advert for crypto.")]


def test_a_report_needs_a_reason_and_a_party(ctx: Flask) -> None:
    interest, buyer, _owner = _interest()
    with pytest.raises(InterestError, match="what is wrong"):
        report_spam(interest, buyer, " ")
    with pytest.raises(InterestError, match="Only the buyer and the business"):
        report_spam(interest, make_buyer("Nosy"), "Spam")
    assert count(AbuseReport) == 0
