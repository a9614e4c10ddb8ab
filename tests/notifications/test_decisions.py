"""Every decision the trade office makes about an MSME's business, product or nomination
reaches the owner exactly once in the app and once by e-mail, in the owner's language, with the
officer's reason. The walk covers every such action of the audit log: a new decision that tells
nobody fails here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses import identity
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.channels import curation
from marketplace.channels.models import Nomination
from marketplace.db import db
from marketplace.ledger.audit import AuditAction
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.office import decisions
from marketplace.products.models import ProductStatus
from tests.factories import (
    NIB,
    harz_und_heide,
    make_business,
    make_officer,
    make_product,
    make_user,
)

REASON = "Die Fotos zeigen das Muster nicht."
# The office's decisions about what an MSME owns, as the audit log names them.
DECISIONS = {
    AuditAction.BUSINESS_VERIFIED,
    AuditAction.BUSINESS_REJECTED,
    AuditAction.BUSINESS_SUSPENDED,
    AuditAction.BUSINESS_REINSTATED,
    AuditAction.BUSINESS_IDENTITY_APPROVED,
    AuditAction.BUSINESS_IDENTITY_REJECTED,
    AuditAction.PRODUCT_APPROVED,
    AuditAction.PRODUCT_REJECTED,
    AuditAction.NOMINATION_ACCEPT,
    AuditAction.NOMINATION_DECLINE,
}


def _owner() -> User:
    return make_user(Role.MSME, locale="id")


def _business(status: BusinessStatus) -> Business:
    return make_business(_owner(), status=status)


def _verify(officer: User) -> Business:
    b = _business(BusinessStatus.PENDING)
    return decisions.verify_business(b.id, officer, decisions.seen_token(b))


def _reject(officer: User) -> Business:
    b = _business(BusinessStatus.PENDING)
    return decisions.reject_business(b.id, officer, decisions.seen_token(b), REASON)


def _suspend(officer: User) -> Business:
    b = _business(BusinessStatus.VERIFIED)
    return decisions.suspend_business(b.id, officer, decisions.seen_token(b), REASON)


def _reinstate(officer: User) -> Business:
    b = _business(BusinessStatus.SUSPENDED)
    return decisions.reinstate_business(b.id, officer, decisions.seen_token(b), REASON)


def _changed_identity() -> Business:
    b = _business(BusinessStatus.VERIFIED)
    identity.request_identity_change(
        b, b.owner, {"name": "Kriya Baru", "nib": NIB, "district": "Coblong"}
    )
    db.session.flush()
    return b


def _approve_identity(officer: User) -> Business:
    b = _changed_identity()
    return identity.approve_identity_change(b.id, officer, identity.seen_token(b.identity_change))


def _reject_identity(officer: User) -> Business:
    b = _changed_identity()
    return identity.reject_identity_change(
        b.id, officer, identity.seen_token(b.identity_change), REASON
    )


def _approve_product(officer: User) -> Business:
    p = make_product(_business(BusinessStatus.VERIFIED), status=ProductStatus.PENDING_REVIEW)
    return decisions.approve_product(p.id, officer, decisions.seen_token(p)).business


def _reject_product(officer: User) -> Business:
    p = make_product(_business(BusinessStatus.VERIFIED), status=ProductStatus.PENDING_REVIEW)
    return decisions.reject_product(p.id, officer, decisions.seen_token(p), REASON).business


def _nominated() -> tuple[Business, Nomination]:
    business = _business(BusinessStatus.VERIFIED)
    product = make_product(business)
    nomination = curation.nominate(product, business.owner, harz_und_heide(capacity=None))
    return business, nomination


def _accept(officer: User) -> Business:
    business, nomination = _nominated()
    decisions.decide_nomination(nomination, officer, True, REASON, None)
    return business


def _decline(officer: User) -> Business:
    business, nomination = _nominated()
    decisions.decide_nomination(nomination, officer, False, REASON, None)
    return business


RUNNERS: dict[AuditAction, Callable[[User], Business]] = {
    AuditAction.BUSINESS_VERIFIED: _verify,
    AuditAction.BUSINESS_REJECTED: _reject,
    AuditAction.BUSINESS_SUSPENDED: _suspend,
    AuditAction.BUSINESS_REINSTATED: _reinstate,
    AuditAction.BUSINESS_IDENTITY_APPROVED: _approve_identity,
    AuditAction.BUSINESS_IDENTITY_REJECTED: _reject_identity,
    AuditAction.PRODUCT_APPROVED: _approve_product,
    AuditAction.PRODUCT_REJECTED: _reject_product,
    AuditAction.NOMINATION_ACCEPT: _accept,
    AuditAction.NOMINATION_DECLINE: _decline,
}


def test_the_walk_covers_every_decision() -> None:
    assert set(RUNNERS) == DECISIONS


@pytest.mark.parametrize("action", sorted(RUNNERS, key=lambda a: a.value), ids=lambda a: a.value)
def test_each_decision_tells_the_owner_once_in_their_language(
    ctx: Flask, storefront: None, action: AuditAction
) -> None:
    officer = make_officer()
    business = RUNNERS[action](officer)
    owner = business.owner
    notes = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == owner.id)
    ).all()
    mails = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.to_address == owner.email)
    ).all()
    assert (len(notes), len(mails)) == (1, 1), (notes, mails)
    (mail,) = mails
    assert mail.body.startswith("Halo ")  # Indonesian, the owner's language
    assert notes[0].link and notes[0].link.startswith("/")
    if action not in (
        AuditAction.BUSINESS_VERIFIED,
        AuditAction.BUSINESS_IDENTITY_APPROVED,
        AuditAction.PRODUCT_APPROVED,
    ):
        assert REASON in mail.body


def test_scores_shelf_events_and_payment_reach_the_owner(ctx: Flask, storefront: None) -> None:
    from marketplace.notifications import decisions as tell
    from marketplace.stock.models import MovementKind
    from marketplace.stock.periods import period_before
    from marketplace.stock.services import channel_today
    from marketplace.stock.settlements import issue_statement, mark_paid
    from tests.factories import move_stock

    officer = make_officer()
    business, nomination = _nominated()
    owner = business.owner
    decisions.score_nomination(nomination, officer, 4, "Strong story.")
    decisions.decide_nomination(nomination, officer, True, REASON, None)
    accepted = nomination
    move_stock(accepted, officer, MovementKind.SHIPPED, 2)
    received = move_stock(accepted, officer, MovementKind.RECEIVED, 2)
    tell.shelf_event(accepted, received.kind, received.quantity)
    assert tell.shelf_event(accepted, MovementKind.SHELVED, 2) is None  # not told one by one
    sold = move_stock(accepted, officer, MovementKind.SOLD, 2)
    tell.shelf_event(accepted, sold.kind, sold.quantity)
    channel = accepted.channel
    start = period_before(channel, channel_today(channel))[0]
    settlement = issue_statement(channel, business, start, officer)
    tell.settlement_paid(mark_paid(settlement, officer, channel_today(channel), "BJB 7"))
    texts = db.session.scalars(
        sa.select(Notification.text)
        .where(Notification.user_id == owner.id)
        .order_by(Notification.id)
    ).all()
    mails = db.session.scalar(
        sa.select(sa.func.count(OutboxEmail.id)).where(OutboxEmail.to_address == owner.email)
    )
    assert len(texts) == 5 and mails == 5, texts
    assert "4" in texts[0] and "Strong story." in texts[0]
    assert "BJB 7" in texts[-1]
