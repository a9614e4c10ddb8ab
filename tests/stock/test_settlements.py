"""Sales and settlement statements, through the services on the real database: each sale in
rupiah at the rate of its day, the statement's figures against a computation from the raw
rows, a settled period that stays as it is, corrections as new entries, payment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.channels.models import ChannelKind, Nomination
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.ledger.models import AuditEntry
from marketplace.stock import settlements
from marketplace.stock.models import MovementKind, Sale, SettlementStatus
from marketplace.stock.periods import period_before, period_of
from marketplace.stock.sales import correct_sale, record_sale
from marketplace.stock.services import StockError, channel_today
from tests.channels.helpers import accept, nominate_all
from tests.factories import make_channel, make_officer, move_stock, owner_with_products, set_rate


def _showroom_with_stock(commission: str = "25") -> tuple[list[Nomination], date]:
    """Two products of one MSME at a showroom in won, 20 pieces each received last period."""
    channel = make_channel("Little Bandung Seoul", kind=ChannelKind.SHOWROOM, currency="KRW")
    channel.commission_percent = Decimal(commission)
    officer = make_officer()
    nominations = [accept(officer, n) for n in nominate_all(owner_with_products(2), channel)]
    start = period_before(channel, channel_today(channel))[0]
    for nomination in nominations:
        move_stock(nomination, officer, MovementKind.SHIPPED, 20, moved_on=start)
        move_stock(nomination, officer, MovementKind.RECEIVED, 20, moved_on=start)
    return nominations, start


def _expected(rows: list[Sale], percent: Decimal) -> tuple[int, int, int]:
    gross = sum(
        int((r.unit_price * r.quantity * r.idr_per_unit).quantize(Decimal(1), ROUND_HALF_UP))
        for r in rows
    )
    commission = int((Decimal(gross) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
    return gross, commission, gross - commission


def test_a_statement_adds_up_from_the_raw_rows(ctx: Flask) -> None:
    (scarf, lamp), start = _showroom_with_stock()
    officer = make_officer("Siti")
    set_rate("KRW", "11.62", start - timedelta(days=40))
    set_rate("KRW", "11.85", start + timedelta(days=1))  # the second day's sales use this one
    record_sale(scarf, officer, 4, Decimal("45000"), start)
    record_sale(scarf, officer, 3, Decimal("45000"), start + timedelta(days=1))
    record_sale(lamp, officer, 2, Decimal("120000"), start + timedelta(days=1))
    move_stock(scarf, officer, MovementKind.RETURNED, 3, moved_on=start + timedelta(days=2))
    move_stock(scarf, officer, MovementKind.DAMAGED, 1, moved_on=start + timedelta(days=2))

    business = scarf.product.business
    statement = settlements.statement(scarf.channel, business, start)
    rows = db.session.scalars(sa.select(Sale).order_by(Sale.id)).all()
    assert [r.idr_per_unit for r in rows] == [Decimal("11.62"), Decimal("11.85"), Decimal("11.85")]
    gross, commission, net = _expected(rows, Decimal(25))
    assert (statement.gross_idr, statement.commission_idr, statement.net_idr) == (
        gross,
        commission,
        net,
    )
    assert statement.units_sold == 9
    assert statement.gross_local == Decimal("45000") * 7 + Decimal("120000") * 2
    by_product = {line.product.id: line for line in statement.lines}
    assert by_product[scarf.product_id].units_on_hand == 9  # 20 - 7 sold - 3 back - 1 damaged
    assert by_product[scarf.product_id].units_returned == 3
    assert by_product[lamp.product_id].units_on_hand == 18

    issued = settlements.issue_statement(scarf.channel, business, start, officer)
    assert (issued.gross_idr, issued.commission_idr, issued.net_idr) == (gross, commission, net)
    assert (issued.units_sold, issued.units_returned, issued.units_on_hand) == (9, 3, 27)
    assert issued.period_end == period_of(scarf.channel, start)[1]
    with pytest.raises(ConflictError):
        settlements.issue_statement(scarf.channel, business, start, officer)

    # The settled period stays as it is: no sale or movement may land in it any more.
    with pytest.raises(StockError, match="issued and stays as it is"):
        record_sale(scarf, officer, 1, Decimal("45000"), start + timedelta(days=3))
    with pytest.raises(StockError, match="issued and stays as it is"):
        move_stock(scarf, officer, MovementKind.LOST, 1, moved_on=start + timedelta(days=3))

    # A sale recorded wrongly is corrected by a new entry today, in the open period.
    wrong = rows[2]
    correction = correct_sale(wrong, officer, "The lamp was a display piece, not sold.")
    assert (correction.quantity, correction.gross_idr) == (-2, -wrong.gross_idr)
    assert correction.sold_on == channel_today(scarf.channel)
    assert lamp.on_hand == 20 and lamp.quantity_sold == 0
    with pytest.raises(ConflictError):
        correct_sale(wrong, officer, "Again.")
    assert settlements.statement(scarf.channel, business, start).gross_idr == gross
    current = settlements.statement(scarf.channel, business, channel_today(scarf.channel))
    assert current.gross_idr == -wrong.gross_idr and current.units_sold == -2

    paid = settlements.mark_paid(issued, officer, channel_today(scarf.channel), "BJB 2026/118")
    assert (paid.status, paid.paid_reference) == (SettlementStatus.PAID, "BJB 2026/118")
    with pytest.raises(ConflictError):
        settlements.mark_paid(issued, officer, channel_today(scarf.channel), "again")
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("nomination.sale") == 3
    assert {"settlement.issued", "settlement.paid", "nomination.sale_corrected"} <= set(actions)


def test_a_sale_needs_a_rate_and_a_sensible_price(ctx: Flask) -> None:
    (scarf, _lamp), start = _showroom_with_stock()
    officer = make_officer()
    with pytest.raises(StockError, match="no rate for KRW"):
        record_sale(scarf, officer, 1, Decimal("45000"), start)
    set_rate("KRW", "11.62", start)
    with pytest.raises(StockError, match="price of one piece"):
        record_sale(scarf, officer, 1, Decimal("45000.5"), start)  # the won has no cents
    with pytest.raises(StockError, match="Only 20 pieces are at the channel"):
        record_sale(scarf, officer, 21, Decimal("45000"), start)
    assert db.session.scalar(sa.select(sa.func.count(Sale.id))) == 0


def test_a_period_is_issued_only_once_it_has_ended(ctx: Flask) -> None:
    (scarf, _lamp), _start = _showroom_with_stock()
    today = channel_today(scarf.channel)
    with pytest.raises(StockError, match="once its period has ended"):
        settlements.issue_statement(scarf.channel, scarf.product.business, today, make_officer())


def test_quarterly_periods_follow_the_calendar(ctx: Flask) -> None:
    channel = make_channel("Harz und Heide", kind=ChannelKind.TRADE_FAIR)
    channel.settlement_months = 3
    assert period_of(channel, date(2026, 5, 17)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert period_before(channel, date(2026, 1, 3)) == (date(2025, 10, 1), date(2025, 12, 31))
    channel.settlement_months = 1
    assert period_of(channel, date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
