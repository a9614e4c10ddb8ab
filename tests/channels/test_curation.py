"""Nomination and curation rules, called as services against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.businesses.models import BusinessStatus
from marketplace.channels import curation, shelf
from marketplace.channels.curation import CapacityError, NominationError
from marketplace.channels.models import (
    ChannelKind,
    ChannelStatus,
    NominationScore,
    NominationStatus,
)
from marketplace.channels.services import accepted_count
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.ledger.models import AuditEntry
from marketplace.periods import bandung_today
from marketplace.products.models import ProductStatus
from marketplace.stock import services as stock
from marketplace.stock.models import MovementKind
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    harz_und_heide,
    make_business,
    make_channel,
    make_officer,
    make_product,
    owner_with_products,
)


def test_fourth_acceptance_is_refused_when_capacity_is_three(ctx: Flask) -> None:
    channel = harz_und_heide(capacity=3)
    nominations = nominate_all(owner_with_products(4), channel)
    officer = make_officer()
    for nomination in nominations[:3]:
        accept(officer, nomination)

    with pytest.raises(CapacityError, match="Every place"):
        accept(officer, nominations[3])

    assert nominations[3].status == NominationStatus.NOMINATED
    assert accepted_count(channel.id) == 3
    # A full channel takes no new nominations either.
    extra = make_product(nominations[0].product.business, name="Fifth lamp")
    with pytest.raises(CapacityError):
        curation.nominate(extra, extra.business.owner, channel)


def test_a_withdrawn_acceptance_frees_its_place(ctx: Flask) -> None:
    channel = harz_und_heide(capacity=1)
    first, second = nominate_all(owner_with_products(2), channel)
    officer = make_officer()
    accept(officer, first)
    curation.withdraw(first, first.product.business.owner)
    accept(officer, second)
    assert accepted_count(channel.id) == 1
    assert second.status == NominationStatus.ACCEPTED


def test_only_published_products_of_verified_businesses(ctx: Flask) -> None:
    channel = harz_und_heide()
    business = make_business(name="Kriya Draft")
    draft = make_product(business, name="Draft lamp", status=ProductStatus.DRAFT)
    with pytest.raises(NominationError, match="published"):
        curation.nominate(draft, business.owner, channel)

    pending = make_business(name="Kriya Pending", status=BusinessStatus.PENDING)
    product = make_product(pending, name="Pending lamp")
    with pytest.raises(NominationError, match="verified"):
        curation.nominate(product, pending.owner, channel)

    someone_else = make_business(name="Kriya Other")
    mine = make_product(business, name="My lamp")
    with pytest.raises(NominationError, match="own"):
        curation.nominate(mine, someone_else.owner, channel)


def test_only_open_channels_inside_their_window(ctx: Flask) -> None:
    (product,) = owner_with_products(1)
    owner = product.business.owner
    today = bandung_today()

    closed = make_channel("Closed fair", status=ChannelStatus.CLOSED)
    with pytest.raises(NominationError, match="not taking"):
        curation.nominate(product, owner, closed)
    draft = make_channel("Draft fair", status=ChannelStatus.DRAFT)
    with pytest.raises(NominationError, match="not taking"):
        curation.nominate(product, owner, draft)

    later = make_channel("Later fair", applications_open_on=today + timedelta(days=1))
    with pytest.raises(NominationError, match="not open today"):
        curation.nominate(product, owner, later)
    over = make_channel("Over fair", applications_close_on=today - timedelta(days=1))
    with pytest.raises(NominationError, match="not open today"):
        curation.nominate(product, owner, over)

    running = make_channel("Running fair", applications_open_on=today, applications_close_on=today)
    nomination = curation.nominate(product, owner, running, "  Our best seller.  ")
    assert nomination.status == NominationStatus.NOMINATED
    assert nomination.note == "Our best seller."


def test_no_second_open_nomination_of_the_same_product(ctx: Flask) -> None:
    channel = harz_und_heide()
    (product,) = owner_with_products(1)
    owner = product.business.owner
    first = curation.nominate(product, owner, channel)
    with pytest.raises(NominationError, match="already nominated"):
        curation.nominate(product, owner, channel)

    curation.decide_nomination(first, make_officer(), False, "Not this year.")
    again = curation.nominate(product, owner, channel)
    assert again.id != first.id


def test_decline_needs_a_reason_the_msme_sees(ctx: Flask) -> None:
    channel = harz_und_heide()
    (nomination,) = nominate_all(owner_with_products(1), channel)
    officer = make_officer()
    with pytest.raises(NominationError, match="reason"):
        curation.decide_nomination(nomination, officer, False, "   ")
    assert nomination.status == NominationStatus.NOMINATED

    curation.decide_nomination(nomination, officer, False, "Too fragile to ship by sea.")
    assert nomination.status == NominationStatus.DECLINED
    assert nomination.decision_reason == "Too fragile to ship by sea."
    assert nomination.decided_by_id == officer.id
    assert nomination.qr_token is None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "nomination.decline")
    )
    assert entry is not None
    assert entry.actor_id == officer.id and entry.subject_id == nomination.id
    assert entry.reason == "Too fragile to ship by sea."


def test_a_decided_nomination_cannot_be_decided_again(ctx: Flask) -> None:
    channel = harz_und_heide()
    (nomination,) = nominate_all(owner_with_products(1), channel)
    accept(make_officer(), nomination)
    with pytest.raises(ConflictError, match="already decided"):
        curation.decide_nomination(nomination, make_officer(), False, "Changed my mind.")
    assert nomination.status == NominationStatus.ACCEPTED


def test_acceptance_gives_a_shelf_code_and_a_permanent_token(ctx: Flask) -> None:
    channel = harz_und_heide(capacity=None)
    first, second, third = nominate_all(owner_with_products(3), channel)
    officer = make_officer()
    accept(officer, first)
    curation.decide_nomination(second, officer, True, "Good.", shelf_code=" hall 2 / 14 ")
    assert first.shelf_code == "B-001"
    assert second.shelf_code == "HALL 2 / 14"
    assert first.qr_token and second.qr_token and first.qr_token != second.qr_token
    assert len(first.qr_token) >= 10

    with pytest.raises(NominationError, match="Another product"):
        curation.decide_nomination(third, officer, True, "Good.", shelf_code="hall 2 / 14")
    with pytest.raises(NominationError, match="already has"):
        shelf.set_shelf_code(first, officer, "HALL 2 / 14")
    shelf.set_shelf_code(first, officer, "b-7")
    assert first.shelf_code == "B-7"

    token = first.qr_token
    curation.withdraw(first, first.product.business.owner)
    assert first.qr_token == token  # printed tags keep their address


def test_owner_withdraws_until_the_product_is_shipped(ctx: Flask) -> None:
    showroom = make_channel(kind=ChannelKind.SHOWROOM)
    waiting, shipped = nominate_all(owner_with_products(2), showroom)
    owner = waiting.product.business.owner
    curation.withdraw(waiting, owner)
    assert waiting.status == NominationStatus.WITHDRAWN
    with pytest.raises(ConflictError):
        curation.withdraw(waiting, owner)

    officer = make_officer()
    accept(officer, shipped)
    assert curation.can_withdraw(shipped)
    stock.record_movement(shipped, officer, MovementKind.SHIPPED, 10, stock.channel_today(showroom))
    assert not curation.can_withdraw(shipped)
    with pytest.raises(NominationError, match="shipped"):
        curation.withdraw(shipped, owner)
    assert shipped.status == NominationStatus.ACCEPTED

    stranger = make_business(name="Kriya Stranger")
    with pytest.raises(NominationError, match="own"):
        curation.withdraw(shipped, stranger.owner)


def test_several_officers_score_once_each(ctx: Flask) -> None:
    channel = harz_und_heide()
    (nomination,) = nominate_all(owner_with_products(1), channel)
    asep, siti = make_officer("Asep"), make_officer("Siti")
    curation.score_nomination(nomination, asep, 4, "Strong story.")
    curation.score_nomination(nomination, siti, 2, "Price too high for retail.")
    curation.score_nomination(nomination, asep, 5, "Sold well last year.")

    scores = db.session.scalars(
        sa.select(NominationScore)
        .where(NominationScore.nomination_id == nomination.id)
        .order_by(NominationScore.officer_id)
    ).all()
    assert [(s.officer_id, s.score, s.comment) for s in scores] == [
        (asep.id, 5, "Sold well last year."),
        (siti.id, 2, "Price too high for retail."),
    ]
    for bad in (0, 6):
        with pytest.raises(NominationError, match="between 1 and 5"):
            curation.score_nomination(nomination, asep, bad)
    accept(asep, nomination)
    with pytest.raises(NominationError, match="waiting"):
        curation.score_nomination(nomination, siti, 3)


def test_every_score_is_in_the_audit_log_with_what_it_replaced(ctx: Flask) -> None:
    channel = harz_und_heide()
    (nomination,) = nominate_all(owner_with_products(1), channel)
    asep = make_officer("Asep")
    curation.score_nomination(nomination, asep, 4, "Strong story.")
    curation.score_nomination(nomination, asep, 2, "Price too high.")
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "nomination.scored")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.subject_id, e.before, e.after) for e in entries] == [
        (asep.id, nomination.id, None, {"score": 4, "comment": "Strong story."}),
        (
            asep.id,
            nomination.id,
            {"score": 4, "comment": "Strong story."},
            {"score": 2, "comment": "Price too high."},
        ),
    ]
