"""The channels' demo line-ups behind `flask seed-demo`: every channel shows accepted demo
products with shelf or booth codes and QR tokens, so that a newcomer finds channel pages, tag
sheets, printed catalogs and the catalog's channel and partner-city filters filled.

The line-ups are data, in `demo_lineups.toml` next to this module. Like the rest of the demo,
creating them is idempotent and never undoes an officer's work: a product gets its place only
when it has never been nominated to that channel (whatever became of that nomination since),
the channel is open or closed (not a draft, not archived) and has room, and the product is
public. Decisions, codes and shelf stages changed later are left exactly as they are. The
places are created as accepted, as an officer's decision would leave them, without audit
entries: nobody decided anything in this application.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.channels.curation import code_taken, free_shelf_code, new_qr_token
from marketplace.channels.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationStatus,
    ShelfStage,
)
from marketplace.channels.services import accepted_count
from marketplace.db import db, utcnow
from marketplace.ledger.rates import convert
from marketplace.products.models import Product
from marketplace.stock.models import MovementKind, Sale, StockMovement
from marketplace.stock.sales import gross_idr

TAKES_PRODUCTS = (ChannelStatus.OPEN, ChannelStatus.CLOSED)


@dataclass(frozen=True)
class DemoPlace:
    product: str  # the product's slug
    code: str  # shelf or booth code
    stage: ShelfStage | None = None  # where it is in a showroom's flow (showrooms only)
    shipped: int | None = None
    sold: int | None = None


@dataclass(frozen=True)
class DemoLineup:
    channel: str  # the channel's slug
    decided_by: str  # the e-mail of the demo officer who accepted the products
    days_ago: int
    note: str
    reason: str
    places: list[DemoPlace]
    commission: str | None = None  # the showroom's commission in percent, set with its line-up


@cache
def demo_lineups() -> list[DemoLineup]:
    """The parsed line-ups; unknown or missing keys fail loudly here, not half-way."""
    text = resources.files("marketplace.main").joinpath("demo_lineups.toml").read_text("utf-8")
    return [
        DemoLineup(**{**item, "places": [_place(place) for place in item["places"]]})
        for item in tomllib.loads(text)["lineups"]
    ]


def _place(item: dict[str, Any]) -> DemoPlace:
    stage = item.get("stage")
    return DemoPlace(**{**item, "stage": ShelfStage(stage) if stage else None})


def create_demo_lineups() -> int:
    """Place whatever demo products are missing from the channels; how many were placed.

    Adds and flushes, never commits. Needs the reference data (channels) and the demo content
    (products, the officer) first.
    """
    placed = 0
    for lineup in demo_lineups():
        channel = db.session.scalar(sa.select(Channel).where(Channel.slug == lineup.channel))
        if channel is None or channel.status not in TAKES_PRODUCTS:
            continue
        officer = db.session.scalar(sa.select(User).where(User.email == lineup.decided_by))
        here = sum(_place_product(channel, officer, lineup, place) for place in lineup.places)
        if here and lineup.commission and not channel.commission_percent:
            channel.commission_percent = Decimal(lineup.commission)
        placed += here
    db.session.flush()
    return placed


def _place_product(
    channel: Channel, officer: User | None, lineup: DemoLineup, place: DemoPlace
) -> bool:
    product = db.session.scalar(sa.select(Product).where(Product.slug == place.product))
    if product is None or not product.is_public:
        return False
    ever = db.session.scalar(
        sa.select(Nomination.id).where(
            Nomination.product_id == product.id, Nomination.channel_id == channel.id
        )
    )
    if ever is not None:
        return False
    if channel.capacity is not None and accepted_count(channel.id) >= channel.capacity:
        return False
    # An officer may have given the code to another product meanwhile: the channel's next one.
    code = free_shelf_code(channel, None) if code_taken(channel, place.code) else place.code
    showroom = channel.kind == ChannelKind.SHOWROOM
    decided_at = utcnow() - timedelta(days=lineup.days_ago)
    nomination = Nomination(
        product=product,
        channel=channel,
        status=NominationStatus.ACCEPTED,
        note=lineup.note,
        decided_by=officer,
        decided_at=decided_at,
        decision_reason=lineup.reason,
        shelf_code=code,
        qr_token=new_qr_token(),
        stage=ShelfStage.ACCEPTED if showroom else None,
        created_at=decided_at - timedelta(days=7),
    )
    db.session.add(nomination)
    if showroom and place.shipped:
        _opening_stock(nomination, place, decided_at.date(), officer)
    db.session.flush()
    return True


def _opening_stock(
    nomination: Nomination, place: DemoPlace, shipped_on: date, officer: User | None
) -> None:
    """The movements behind the place's stage: shipped, received a week later, some sold;
    sold out means every piece was. The sale is at the product's price in the channel's
    currency, at the office's rate of that day (without a rate, the pieces sold carry no sale)."""
    shipped = place.shipped or 0
    arrived = place.stage in (ShelfStage.ON_SHELF, ShelfStage.SOLD_OUT)
    sold = shipped if place.stage == ShelfStage.SOLD_OUT else (place.sold or 0) if arrived else 0
    received_on = shipped_on + timedelta(days=7)
    steps = [(MovementKind.SHIPPED, shipped, shipped_on)]
    if arrived:
        steps += [(MovementKind.RECEIVED, shipped, received_on)]
        steps += [(MovementKind.SOLD, sold, received_on + timedelta(days=3))]
    for kind, quantity, day in steps:
        if quantity:
            movement = StockMovement(
                nomination=nomination,
                kind=kind,
                quantity=quantity,
                moved_on=day,
                recorded_by=officer,
            )
            if kind == MovementKind.SOLD:
                movement.sale = _demo_sale(nomination, quantity, day, officer)
            db.session.add(movement)
    nomination.quantity_shipped = shipped
    nomination.quantity_received = shipped if arrived else 0
    nomination.quantity_sold = sold
    nomination.stage = place.stage if arrived else ShelfStage.SHIPPED


def _demo_sale(
    nomination: Nomination, quantity: int, day: date, officer: User | None
) -> Sale | None:
    currency = nomination.channel.currency
    price = convert(nomination.product.price_idr, currency, day)
    if price is None:
        return None
    return Sale(
        nomination=nomination,
        quantity=quantity,
        unit_price=price.amount,
        currency=currency,
        idr_per_unit=price.idr_per_unit,
        rate_on=price.rate_date,
        gross_idr=gross_idr(quantity, price.amount, price.idr_per_unit),
        sold_on=day,
        recorded_by=officer,
    )
