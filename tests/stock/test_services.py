"""The stock ledger, through its services on the real database: movements add up, stock on hand
never goes below zero, the stage follows the pieces, and every movement is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.channels.curation import clean_code
from marketplace.channels.models import GONE_STAGES, ChannelKind, Nomination, ShelfStage
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.stock import services as stock
from marketplace.stock.models import MovementKind, StockMovement
from marketplace.stock.services import StockError
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    harz_und_heide,
    make_channel,
    make_officer,
    move_stock,
    owner_with_products,
)
from tests.stock.ledger import ledger_totals


def _accepted(count: int = 1, kind: ChannelKind = ChannelKind.SHOWROOM) -> list[Nomination]:
    channel = make_channel("Little Bandung Seoul", kind=kind)
    officer = make_officer()
    return [accept(officer, n) for n in nominate_all(owner_with_products(count), channel)]


def test_the_showroom_journey_adds_up_from_the_ledger(ctx: Flask) -> None:
    (nomination,) = _accepted()
    officer = make_officer("Siti")
    assert nomination.stage == ShelfStage.ACCEPTED

    move_stock(nomination, officer, MovementKind.SHIPPED, 20)
    assert (nomination.stage, nomination.in_transit, nomination.on_hand) == (
        ShelfStage.SHIPPED,
        20,
        0,
    )
    move_stock(nomination, officer, MovementKind.RECEIVED, 20)
    move_stock(nomination, officer, MovementKind.SHELVED, 20, shelf_code="wall a-3")
    move_stock(nomination, officer, MovementKind.SOLD, 4)
    move_stock(nomination, officer, MovementKind.SOLD, 3)
    move_stock(nomination, officer, MovementKind.RETURNED, 3)
    move_stock(nomination, officer, MovementKind.DAMAGED, 1)

    assert nomination.on_hand == 9
    assert nomination.stage == ShelfStage.ON_SHELF
    assert nomination.shelf_code == "WALL A-3"
    totals = ledger_totals(nomination.id)
    assert totals == {
        MovementKind.SHIPPED: 20,
        MovementKind.RECEIVED: 20,
        MovementKind.SHELVED: 20,
        MovementKind.SOLD: 7,
        MovementKind.RETURNED: 3,
        MovementKind.DAMAGED: 1,
    }
    gone = totals[MovementKind.SOLD] + totals[MovementKind.RETURNED] + totals[MovementKind.DAMAGED]
    assert nomination.on_hand == totals[MovementKind.RECEIVED] - gone
    assert (nomination.quantity_sold, nomination.quantity_returned) == (7, 3)
    assert nomination.quantity_written_off == 1

    audited = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "nomination.stock")
    ).all()
    assert len(audited) == 7
    assert audited[-1].after["on_hand"] == 9 and audited[-1].before["on_hand"] == 10
    assert {entry.actor_id for entry in audited} == {officer.id}


def test_stock_on_hand_never_goes_below_zero(ctx: Flask) -> None:
    (nomination,) = _accepted()
    officer = make_officer()
    with pytest.raises(StockError, match="Only 0 pieces are on their way"):
        move_stock(nomination, officer, MovementKind.RECEIVED, 1)
    move_stock(nomination, officer, MovementKind.SHIPPED, 5)
    with pytest.raises(StockError, match="Only 5 pieces are on their way"):
        move_stock(nomination, officer, MovementKind.RECEIVED, 6)
    move_stock(nomination, officer, MovementKind.RECEIVED, 4)
    for kind in (MovementKind.SOLD, MovementKind.RETURNED, MovementKind.LOST, MovementKind.SHELVED):
        with pytest.raises(StockError, match="Only 4 pieces are at the channel"):
            move_stock(nomination, officer, kind, 5)
    move_stock(nomination, officer, MovementKind.SOLD, 4)
    assert (nomination.on_hand, nomination.in_transit) == (0, 1)
    assert db.session.scalar(sa.select(sa.func.count(StockMovement.id))) == 3


def test_the_database_refuses_totals_that_do_not_add_up(ctx: Flask) -> None:
    (nomination,) = _accepted()
    move_stock(nomination, make_officer(), MovementKind.SHIPPED, 2)
    nomination.quantity_received = 3  # more than was shipped, behind the service's back
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_quantities_and_dates_are_checked(ctx: Flask) -> None:
    (nomination,) = _accepted()
    officer = make_officer()
    today = stock.channel_today(nomination.channel)
    for quantity in (0, -1, 100_001):
        with pytest.raises(StockError, match="whole number from 1"):
            move_stock(nomination, officer, MovementKind.SHIPPED, quantity)
    with pytest.raises(StockError, match="future"):
        move_stock(nomination, officer, MovementKind.SHIPPED, 1, moved_on=today + timedelta(days=1))
    with pytest.raises(StockError, match="more than a year"):
        move_stock(
            nomination, officer, MovementKind.SHIPPED, 1, moved_on=today - timedelta(days=400)
        )
    with pytest.raises(StockError, match="shelf code goes with"):
        move_stock(nomination, officer, MovementKind.SHIPPED, 1, shelf_code="A-1")
    assert nomination.quantity_shipped is None


def test_the_stage_follows_what_emptied_the_shelf(ctx: Flask) -> None:
    sold, returned, lost = _accepted(3)
    officer = make_officer()
    for nomination in (sold, returned, lost):
        move_stock(nomination, officer, MovementKind.SHIPPED, 2)
        move_stock(nomination, officer, MovementKind.RECEIVED, 2)
        move_stock(nomination, officer, MovementKind.SOLD, 1)
    move_stock(sold, officer, MovementKind.SOLD, 1)
    move_stock(returned, officer, MovementKind.RETURNED, 1)
    move_stock(lost, officer, MovementKind.LOST, 1)
    assert [n.stage for n in (sold, returned, lost)] == [
        ShelfStage.SOLD_OUT,
        ShelfStage.RETURNED,
        ShelfStage.WRITTEN_OFF,
    ]
    assert all(n.stage in GONE_STAGES for n in (sold, returned, lost))
    # A new shipment brings a sold-out product back.
    move_stock(sold, officer, MovementKind.SHIPPED, 3)
    assert sold.stage == ShelfStage.SHIPPED
    move_stock(sold, officer, MovementKind.RECEIVED, 3)
    assert (sold.stage, sold.on_hand) == (ShelfStage.ON_SHELF, 3)


def test_a_fair_stand_keeps_stock_too(ctx: Flask) -> None:
    fair = harz_und_heide()
    officer = make_officer()
    (nomination,) = [accept(officer, n) for n in nominate_all(owner_with_products(1), fair)]
    assert nomination.stage is None
    move_stock(nomination, officer, MovementKind.SHIPPED, 6)
    move_stock(nomination, officer, MovementKind.RECEIVED, 6)
    assert (nomination.stage, nomination.on_hand) == (ShelfStage.ON_SHELF, 6)


def test_a_shelf_code_is_unique_in_its_channel(ctx: Flask) -> None:
    first, second = _accepted(2)
    officer = make_officer()
    for nomination in (first, second):
        move_stock(nomination, officer, MovementKind.SHIPPED, 1)
        move_stock(nomination, officer, MovementKind.RECEIVED, 1)
    move_stock(first, officer, MovementKind.SHELVED, 1, shelf_code="B-9")
    with pytest.raises(StockError, match="Another product already has this"):
        move_stock(second, officer, MovementKind.SHELVED, 1, shelf_code="b-9")
    assert second.shelf_code != clean_code("B-9")


def test_a_shipment_carries_a_business_own_accepted_products(ctx: Flask) -> None:
    lamp, basket = _accepted(2)
    channel = lamp.channel
    business = lamp.product.business
    officer = make_officer()
    stranger = _accepted(1)[0]
    today = stock.channel_today(channel)
    with pytest.raises(StockError, match="at least one product"):
        stock.record_shipment(channel, business, officer, today, {lamp.id: 0})
    with pytest.raises(StockError, match="Only the business's accepted products"):
        stock.record_shipment(channel, business, officer, today, {stranger.id: 3})

    shipment = stock.record_shipment(channel, business, officer, today, {lamp.id: 12, basket.id: 5})
    assert [(m.nomination_id, m.quantity) for m in shipment.movements] == sorted(
        [(lamp.id, 12), (basket.id, 5)]
    )
    assert shipment.reference == f"{today.year}-{shipment.id:05d}"
    assert (lamp.in_transit, basket.in_transit) == (12, 5)
