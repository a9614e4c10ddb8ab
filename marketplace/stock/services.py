"""Recording stock movements and shipments, the only way a nomination's quantities change.

Each movement is checked against the totals as committed now, under a lock on the
nomination's row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the single writer), so two
people at one stand selling the last piece cannot both succeed; the database's CHECK on the
totals is the last guard. Every movement is audited. Adds and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.channels.attribution import channel_zone
from marketplace.channels.curation import clean_code, code_taken
from marketplace.channels.models import (
    Channel,
    Nomination,
    NominationStatus,
    ShelfStage,
)
from marketplace.channels.services import lock_channel
from marketplace.db import begin_write, db
from marketplace.errors import ConflictError, ServiceError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.periods import OFFICE_TIMEZONE
from marketplace.products.models import Product
from marketplace.stock.models import MovementKind, Settlement, Shipment, StockMovement
from marketplace.stock.periods import period_of

# A movement may be recorded late (a stand's paper list typed in at night), not years late.
LATEST_PAST_DAYS = 366
MAX_QUANTITY = 100_000

EMPTIED_BY = {
    MovementKind.SOLD: ShelfStage.SOLD_OUT,
    MovementKind.RETURNED: ShelfStage.RETURNED,
    MovementKind.DAMAGED: ShelfStage.WRITTEN_OFF,
    MovementKind.LOST: ShelfStage.WRITTEN_OFF,
}


class StockError(ServiceError):
    pass


def channel_today(channel: Channel) -> date:
    """Today where the channel is (its partner city's zone), else in Bandung."""
    zone = channel_zone(channel.id)
    return datetime.now(ZoneInfo(zone) if zone else OFFICE_TIMEZONE).date()


def lock_nomination(nomination_id: int) -> Nomination:
    begin_write()
    found = db.session.execute(
        sa.select(Nomination)
        .where(Nomination.id == nomination_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise ConflictError(_l("This product is no longer in the channel's line-up."))
    return found


def _check_day(channel: Channel, day: date) -> None:
    today = channel_today(channel)
    if day > today:
        raise StockError(_l("The date cannot be in the future."))
    if day < today - timedelta(days=LATEST_PAST_DAYS):
        raise StockError(_l("The date lies more than a year back."))


def settled(channel: Channel, business_id: int, day: date) -> Settlement | None:
    """The issued statement whose period holds `day`, if there is one."""
    start, _end = period_of(channel, day)
    return db.session.scalar(
        sa.select(Settlement).where(
            Settlement.channel_id == channel.id,
            Settlement.business_id == business_id,
            Settlement.period_start == start,
        )
    )


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise StockError(_l("The quantity is a whole number from 1 to 100,000."))


def _on_the_way(n: int) -> LazyString:
    return lazy_ngettext(
        "Only %(num)d piece is on its way to the channel.",
        "Only %(num)d pieces are on their way to the channel.",
        n,
    )


def _at_the_channel(n: int) -> LazyString:
    return lazy_ngettext(
        "Only %(num)d piece is at the channel.", "Only %(num)d pieces are at the channel.", n
    )


def _stage(nomination: Nomination, last: MovementKind) -> ShelfStage:
    if nomination.on_hand > 0:
        return ShelfStage.ON_SHELF
    if nomination.in_transit > 0:
        return ShelfStage.SHIPPED
    if not nomination.quantity_shipped:
        return ShelfStage.ACCEPTED
    return EMPTIED_BY.get(last, nomination.stage or ShelfStage.ACCEPTED)


def _apply(nomination: Nomination, kind: MovementKind, quantity: int) -> None:
    """Add the movement to the nomination's totals, or say why the stock does not allow it."""
    if kind == MovementKind.SHIPPED:
        nomination.quantity_shipped = (nomination.quantity_shipped or 0) + quantity
        nomination.quantity_sold = nomination.quantity_sold or 0
    elif kind == MovementKind.UNSOLD:
        if quantity > (nomination.quantity_sold or 0):
            raise StockError(_l("More pieces cannot come back than were sold."))
        nomination.quantity_sold = (nomination.quantity_sold or 0) - quantity
    elif kind == MovementKind.RECEIVED:
        if quantity > nomination.in_transit:
            raise StockError(_on_the_way(nomination.in_transit))
        nomination.quantity_received += quantity
    else:
        if quantity > nomination.on_hand:
            raise StockError(_at_the_channel(nomination.on_hand))
        if kind == MovementKind.SOLD:
            nomination.quantity_sold = (nomination.quantity_sold or 0) + quantity
        elif kind == MovementKind.RETURNED:
            nomination.quantity_returned += quantity
        elif kind in (MovementKind.DAMAGED, MovementKind.LOST):
            nomination.quantity_written_off += quantity
    nomination.stage = _stage(nomination, kind)


def _totals(nomination: Nomination) -> dict[str, int | str | None]:
    return {
        "stage": nomination.stage and nomination.stage.value,
        "shipped": nomination.quantity_shipped or 0,
        "received": nomination.quantity_received,
        "on_hand": nomination.on_hand,
    }


def record_movement(
    nomination: Nomination,
    actor: User,
    kind: MovementKind,
    quantity: int,
    moved_on: date,
    *,
    shelf_code: str | None = None,
    note: str = "",
    shipment: Shipment | None = None,
) -> StockMovement:
    """One movement of an accepted product's pieces at its channel.

    Pieces are received only from what is on its way, and they are shelved, sold, sent back,
    damaged or lost only from what is at the channel: stock on hand never goes below zero.
    Shelving may give the product its shelf code at the same time.
    """
    _check_quantity(quantity)
    channel = nomination.channel
    _check_day(channel, moved_on)
    code = clean_code(shelf_code) if shelf_code and shelf_code.strip() else None
    if code is not None:
        if kind != MovementKind.SHELVED:
            raise StockError(_l("A shelf code goes with putting pieces on the shelf."))
        lock_channel(channel.id)
    current = lock_nomination(nomination.id)
    if current.status != NominationStatus.ACCEPTED:
        raise StockError(_l("Only accepted products have stock at the channel."))
    if settled(channel, current.product.business_id, moved_on) is not None:
        raise StockError(
            _l(
                "The statement for that period is issued and stays as it is: record this "
                "today, with a note."
            )
        )
    before = _totals(current)
    if kind == MovementKind.SHELVED:
        if quantity > current.on_hand:
            raise StockError(_at_the_channel(current.on_hand))
        if code is not None and code != current.shelf_code:
            if code_taken(channel, code, except_id=current.id):
                raise StockError(_l("Another product already has this shelf or booth code."))
            current.shelf_code = code
    else:
        _apply(current, kind, quantity)
    movement = StockMovement(
        nomination=current,
        kind=kind,
        quantity=quantity,
        moved_on=moved_on,
        shelf_code=code,
        note=note.strip(),
        shipment=shipment,
        recorded_by_id=actor.id,
    )
    db.session.add(movement)
    db.session.flush()
    record_audit(
        actor,
        AuditAction.STOCK_MOVEMENT,
        "nomination",
        current.id,
        before,
        {**_totals(current), "movement": kind.value, "quantity": quantity, "on": str(moved_on)},
    )
    return movement


def shippable(channel: Channel, business: Business) -> list[Nomination]:
    """The business's accepted products at the channel, in the order of their names."""
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .join(Nomination.product)
            .where(
                Nomination.channel_id == channel.id,
                Nomination.status == NominationStatus.ACCEPTED,
                Product.business_id == business.id,
            )
            .order_by(Product.name, Nomination.id)
        )
    )


def record_shipment(
    channel: Channel,
    business: Business,
    actor: User,
    shipped_on: date,
    quantities: Mapping[int, int],
    note: str = "",
) -> Shipment:
    """One consignment: for each of the business's accepted products at the channel, the
    pieces sent (`quantities` by nomination id; products left out or at 0 are not in it)."""
    _check_day(channel, shipped_on)
    allowed = {nomination.id: nomination for nomination in shippable(channel, business)}
    sent = {key: value for key, value in quantities.items() if value}
    if not sent:
        raise StockError(_l("Give the number of pieces shipped of at least one product."))
    if set(sent) - set(allowed):
        raise StockError(_l("Only the business's accepted products at this channel are shipped."))
    for quantity in sent.values():
        _check_quantity(quantity)
    shipment = Shipment(
        channel=channel,
        business=business,
        shipped_on=shipped_on,
        note=note.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(shipment)
    for nomination_id in sorted(sent):
        record_movement(
            allowed[nomination_id],
            actor,
            MovementKind.SHIPPED,
            sent[nomination_id],
            shipped_on,
            shipment=shipment,
        )
    return shipment
