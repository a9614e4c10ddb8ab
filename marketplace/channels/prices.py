"""Prices in a channel's currency, converted from rupiah with the office's own exchange rates.

There is no live feed: the office sets a rate per currency from a date on, and a price is only
converted when such a rate is in force. A converted price always names the rate's date, so a
printed tag or catalog says how old its figure is ("≈ EUR 52.34 (rate of 2026-05-01)").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from babel.numbers import format_decimal, get_currency_precision

from marketplace.db import db
from marketplace.office.models import ExchangeRate

RUPIAH = "IDR"


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
    exponent = Decimal(1).scaleb(-get_currency_precision(rate.currency))
    amount = (Decimal(price_idr) / Decimal(rate.idr_per_unit)).quantize(exponent, ROUND_HALF_UP)
    return ConvertedPrice(amount, rate.currency, Decimal(rate.idr_per_unit), rate.effective_on)


def format_amount(price: ConvertedPrice, locale: str = "en") -> str:
    """ "EUR 52.34": the ISO code (unambiguous across partner cities) and the amount."""
    digits = get_currency_precision(price.currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return f"{price.currency} {format_decimal(price.amount, format=pattern, locale=locale)}"


def format_rupiah(price_idr: int, locale: str = "en") -> str:
    return f"Rp {format_decimal(price_idr, format='#,##0', locale=locale)}"
