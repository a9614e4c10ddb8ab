"""Settlement statements for consignment: what each MSME is owed for a period at a channel.

For each product the statement lists the units sold and their gross in the channel's currency
and in rupiah (each sale at the rate of its own day); then the channel's commission on the
rupiah gross, the net payable, the units sent back in the period and the units on hand at its
end. The office issues a statement once its period has ended; its figures are then fixed
(sales in the period are refused from then on, see `sales.settled`), and the office marks it
paid with the date and the transfer's reference. Adds and flushes; the caller commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel, Nomination
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from marketplace.stock.models import (
    MovementKind,
    Sale,
    Settlement,
    SettlementStatus,
    StockMovement,
)
from marketplace.stock.periods import period_of
from marketplace.stock.services import StockError, channel_today

REFERENCE_MAX = 120
# What each kind of movement does to the pieces on hand.
ON_HAND_SIGN = {
    MovementKind.RECEIVED: 1,
    MovementKind.UNSOLD: 1,
    MovementKind.SOLD: -1,
    MovementKind.RETURNED: -1,
    MovementKind.DAMAGED: -1,
    MovementKind.LOST: -1,
}


def percent_text(value: Decimal) -> str:
    """A commission as people write it: "10 %", "12.5 %" (never "1E+1")."""
    return f"{Decimal(value).normalize():f} %"


@dataclass
class StatementLine:
    product: Product
    shelf_code: str | None
    units_sold: int = 0
    gross_local: Decimal = Decimal(0)
    gross_idr: int = 0
    units_returned: int = 0
    units_on_hand: int = 0


@dataclass
class Statement:
    channel: Channel
    business: Business
    start: date
    end: date
    lines: list[StatementLine] = field(default_factory=list)
    settlement: Settlement | None = None

    @property
    def currency(self) -> str:
        return self.settlement.currency if self.settlement else self.channel.currency

    @property
    def commission_percent(self) -> Decimal:
        if self.settlement is not None:
            return Decimal(self.settlement.commission_percent)
        return Decimal(self.channel.commission_percent)

    @property
    def commission_text(self) -> str:
        return percent_text(self.commission_percent)

    @property
    def units_sold(self) -> int:
        return sum(line.units_sold for line in self.lines)

    @property
    def gross_local(self) -> Decimal:
        return sum((line.gross_local for line in self.lines), Decimal(0))

    @property
    def gross_idr(self) -> int:
        return sum(line.gross_idr for line in self.lines)

    @property
    def commission_idr(self) -> int:
        share = Decimal(self.gross_idr) * self.commission_percent / 100
        return int(share.quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def net_idr(self) -> int:
        return self.gross_idr - self.commission_idr

    @property
    def units_returned(self) -> int:
        return sum(line.units_returned for line in self.lines)

    @property
    def units_on_hand(self) -> int:
        return sum(line.units_on_hand for line in self.lines)


def _nominations(channel: Channel, business: Business) -> list[Nomination]:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .join(Nomination.product)
            .where(Nomination.channel_id == channel.id, Product.business_id == business.id)
            .order_by(Product.name, Nomination.id)
        )
    )


def statement(channel: Channel, business: Business, start: date) -> Statement:
    """The statement of the period starting on `start`, from the ledger's rows."""
    start, end = period_of(channel, start)
    result = Statement(channel, business, start, end)
    result.settlement = db.session.scalar(
        sa.select(Settlement).where(
            Settlement.channel_id == channel.id,
            Settlement.business_id == business.id,
            Settlement.period_start == start,
        )
    )
    nominations = _nominations(channel, business)
    ids = [n.id for n in nominations]
    lines = {n.id: StatementLine(n.product, n.shelf_code) for n in nominations}
    sales = db.session.execute(
        sa.select(Sale.nomination_id, Sale.quantity, Sale.unit_price, Sale.gross_idr).where(
            Sale.nomination_id.in_(ids), Sale.sold_on >= start, Sale.sold_on <= end
        )
    )
    for nomination_id, quantity, unit_price, gross_idr in sales:
        line = lines[nomination_id]
        line.units_sold += quantity
        line.gross_local += Decimal(unit_price) * quantity
        line.gross_idr += gross_idr
    moved: dict[int, dict[MovementKind, int]] = defaultdict(dict)
    movements = db.session.execute(
        sa.select(
            StockMovement.nomination_id,
            StockMovement.kind,
            sa.func.sum(
                sa.case((StockMovement.moved_on >= start, StockMovement.quantity), else_=0)
            ),
            sa.func.sum(StockMovement.quantity),
        )
        .where(StockMovement.nomination_id.in_(ids), StockMovement.moved_on <= end)
        .group_by(StockMovement.nomination_id, StockMovement.kind)
    )
    for nomination_id, kind, in_period, until_end in movements:
        line = lines[nomination_id]
        kind = MovementKind(kind)
        if kind == MovementKind.RETURNED:
            line.units_returned += int(in_period)
        line.units_on_hand += ON_HAND_SIGN.get(kind, 0) * int(until_end)
        moved[nomination_id][kind] = int(until_end)
    result.lines = [
        line
        for nomination_id, line in lines.items()
        if line.units_sold or line.gross_idr or line.units_returned or moved[nomination_id]
    ]
    return result


def businesses_with_stock(channel: Channel) -> list[Business]:
    """The MSMEs that have had pieces at the channel, by name."""
    return list(
        db.session.scalars(
            sa.select(Business)
            .where(
                Business.id.in_(
                    sa.select(Product.business_id)
                    .join(Nomination, Nomination.product_id == Product.id)
                    .join(StockMovement, StockMovement.nomination_id == Nomination.id)
                    .where(Nomination.channel_id == channel.id)
                )
            )
            .order_by(Business.name)
        )
    )


def issue_statement(channel: Channel, business: Business, start: date, officer: User) -> Settlement:
    """Fix the period's figures in a statement; the period must have ended."""
    current = statement(channel, business, start)
    if current.end >= channel_today(channel):
        raise StockError(_l("A statement is issued once its period has ended."))
    if current.settlement is not None:
        raise ConflictError(_l("The statement for this period is already issued."))
    settlement = Settlement(
        channel_id=channel.id,
        business_id=business.id,
        period_start=current.start,
        period_end=current.end,
        currency=channel.currency,
        commission_percent=channel.commission_percent,
        units_sold=current.units_sold,
        gross_local=current.gross_local,
        gross_idr=current.gross_idr,
        commission_idr=current.commission_idr,
        net_idr=current.net_idr,
        units_returned=current.units_returned,
        units_on_hand=current.units_on_hand,
        issued_by_id=officer.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(settlement)
    except sa.exc.IntegrityError as exc:
        raise ConflictError(_l("The statement for this period is already issued.")) from exc
    record_audit(
        officer,
        AuditAction.SETTLEMENT_ISSUED,
        "settlement",
        settlement.id,
        None,
        {
            "channel": channel.slug,
            "business": business.id,
            "period": f"{current.start.isoformat()}..{current.end.isoformat()}",
            "gross_idr": settlement.gross_idr,
            "commission_idr": settlement.commission_idr,
            "net_idr": settlement.net_idr,
        },
    )
    return settlement


def mark_paid(settlement: Settlement, officer: User, paid_on: date, reference: str) -> Settlement:
    reference = " ".join(reference.split())
    if not reference or len(reference) > REFERENCE_MAX:
        raise StockError(_l("Give the transfer's reference (up to 120 characters)."))
    if paid_on > bandung_today() or paid_on < settlement.period_end:
        raise StockError(_l("The payment date lies between the period's end and today."))
    locked = db.session.execute(
        sa.select(Settlement)
        .where(Settlement.id == settlement.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if locked.status == SettlementStatus.PAID:
        raise ConflictError(_l("This statement is already marked paid."))
    locked.status = SettlementStatus.PAID
    locked.paid_on = paid_on
    locked.paid_reference = reference
    locked.paid_by_id = officer.id
    db.session.flush()
    record_audit(
        officer,
        AuditAction.SETTLEMENT_PAID,
        "settlement",
        locked.id,
        {"status": SettlementStatus.ISSUED.value},
        {"status": locked.status.value, "paid_on": paid_on.isoformat(), "reference": reference},
    )
    return locked


def statement_of(settlement: Settlement) -> Statement:
    return statement(settlement.channel, settlement.business, settlement.period_start)
