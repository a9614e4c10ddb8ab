"""Sales at a showroom or a stand: recorded in the channel's currency, one by one or as a day's
count of one product, each with the rupiah it is worth at the office's rate in force that day.

A sale takes its pieces off the stock on hand (a "sold" movement). Like every movement, a sale
in a period whose settlement statement is issued cannot be recorded (`services.settled`), and
no sale is ever changed: a mistake is put right by a correction, a new sale with the opposite
quantity dated today, which lands in the open period (`correct_sale`). Adds and flushes; the
caller commits.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.channels.models import Nomination
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH, minor_digits
from marketplace.stock.models import MovementKind, Sale
from marketplace.stock.services import StockError, channel_today, lock_nomination, record_movement

MAX_UNIT_PRICE = Decimal("1000000000")


def rupiah_rate(currency: str, day: date) -> tuple[Decimal, date | None]:
    """Rupiah per unit of `currency` on `day`, and since when the office has set it."""
    if currency == RUPIAH:
        return Decimal(1), None
    rate = db.session.scalar(rate_in_force(currency, day))
    if rate is None:
        raise StockError(
            _l(
                "The trade office has set no rate for %(currency)s on that day yet: the sale "
                "cannot be turned into rupiah. Ask the office to set one.",
                currency=currency,
            )
        )
    return Decimal(rate.idr_per_unit), rate.effective_on


def gross_idr(quantity: int, unit_price: Decimal, idr_per_unit: Decimal) -> int:
    """A sale's worth in whole rupiah, rounded half up."""
    return int((unit_price * quantity * idr_per_unit).quantize(Decimal(1), ROUND_HALF_UP))


def _check_price(unit_price: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-minor_digits(currency))
    if unit_price < 0 or unit_price > MAX_UNIT_PRICE or unit_price != unit_price.quantize(exponent):
        raise StockError(
            _l(
                "Give the price of one piece in %(currency)s, as the till shows it.",
                currency=currency,
            )
        )
    return unit_price


def record_sale(
    nomination: Nomination,
    actor: User,
    quantity: int,
    unit_price: Decimal,
    sold_on: date,
    note: str = "",
) -> Sale:
    channel = nomination.channel
    currency = channel.currency
    unit_price = _check_price(unit_price, currency)
    idr_per_unit, rate_on = rupiah_rate(currency, sold_on)
    # The movement checks the quantity, the date and the stock on hand, under the row lock,
    # before anything of the sale is added.
    movement = record_movement(nomination, actor, MovementKind.SOLD, quantity, sold_on, note=note)
    sale = Sale(
        nomination_id=nomination.id,
        quantity=quantity,
        unit_price=unit_price,
        currency=currency,
        idr_per_unit=idr_per_unit,
        rate_on=rate_on,
        gross_idr=gross_idr(quantity, unit_price, idr_per_unit),
        sold_on=sold_on,
        note=note.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(sale)
    movement.sale = sale
    db.session.flush()
    record_audit(
        actor,
        AuditAction.SALE_RECORDED,
        "nomination",
        nomination.id,
        None,
        _sale_facts(sale),
    )
    return sale


def correct_sale(sale: Sale, actor: User, note: str) -> Sale:
    """Undo a sale by a new entry of the opposite quantity, dated today at the channel; its
    pieces go back on hand."""
    nomination = lock_nomination(sale.nomination_id)
    channel = nomination.channel
    if sale.quantity < 0:
        raise StockError(_l("A correction is not corrected again; record the sale anew."))
    already = db.session.scalar(sa.select(Sale.id).where(Sale.corrects_id == sale.id))
    if already is not None:
        raise ConflictError(_l("This sale has already been corrected."))
    if not note.strip():
        raise StockError(_l("Say why the sale is corrected: the MSME reads it."))
    today = channel_today(channel)
    movement = record_movement(
        nomination, actor, MovementKind.UNSOLD, sale.quantity, today, note=note
    )
    correction = Sale(
        nomination_id=nomination.id,
        quantity=-sale.quantity,
        unit_price=sale.unit_price,
        currency=sale.currency,
        idr_per_unit=sale.idr_per_unit,
        rate_on=sale.rate_on,
        gross_idr=-sale.gross_idr,
        sold_on=today,
        corrects_id=sale.id,
        note=note.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(correction)
    movement.sale = correction
    db.session.flush()
    record_audit(
        actor,
        AuditAction.SALE_CORRECTED,
        "nomination",
        nomination.id,
        _sale_facts(sale),
        _sale_facts(correction),
        note.strip(),
    )
    return correction


def _sale_facts(sale: Sale) -> dict[str, object]:
    return {
        "sale": sale.id,
        "quantity": sale.quantity,
        "unit_price": str(sale.unit_price),
        "currency": sale.currency,
        "idr_per_unit": str(sale.idr_per_unit),
        "gross_idr": sale.gross_idr,
        "sold_on": sale.sold_on.isoformat(),
    }
