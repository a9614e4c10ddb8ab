"""Prices in another currency (a channel's, a viewer's, a report's), converted from rupiah with
the office's own exchange rates.

There is no live feed: the office sets a rate per currency from a date on, and a price is only
converted when such a rate is in force. A converted price always names the rate's date, so a
printed tag or catalog says how old its figure is ("≈ €52.34 (rate of 1 May 2026)"). The
figures become text in `marketplace.money`; the office sets the rates in `office.rates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from marketplace.db import db
from marketplace.ledger.models import ExchangeRate
from marketplace.money import RUPIAH, minor_digits


@dataclass(frozen=True)
class ConvertedPrice:
    amount: Decimal
    currency: str
    idr_per_unit: Decimal
    rate_date: date


def rate_in_force(currency: str, on: date) -> sa.Select[ExchangeRate]:
    """The latest rate for `currency` that took effect on or before `on`."""
    return (
        sa.select(ExchangeRate)
        .where(ExchangeRate.currency == currency, ExchangeRate.effective_on <= on)
        .order_by(ExchangeRate.effective_on.desc())
        .limit(1)
    )


def convert(price_idr: int | None, currency: str, on: date) -> ConvertedPrice | None:
    """`price_idr` in `currency`, or None when there is no price, the currency is rupiah, or
    the office has set no rate for it yet (then the price is shown in rupiah only)."""
    if price_idr is None or currency == RUPIAH:
        return None
    rate = db.session.scalar(rate_in_force(currency, on))
    if rate is None:
        return None
    return convert_with(price_idr, rate)


def convert_with(price_idr: int, rate: ExchangeRate) -> ConvertedPrice:
    """Round half up to the currency's minor unit (cents for EUR, none for KRW)."""
    exponent = Decimal(1).scaleb(-minor_digits(rate.currency))
    amount = (Decimal(price_idr) / Decimal(rate.idr_per_unit)).quantize(exponent, ROUND_HALF_UP)
    return ConvertedPrice(amount, rate.currency, Decimal(rate.idr_per_unit), rate.effective_on)
