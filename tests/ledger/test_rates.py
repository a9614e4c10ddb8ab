"""Prices in another currency, converted with the office's rates, always naming the rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask

from marketplace.ledger.rates import convert
from marketplace.money import format_money, format_rupiah
from tests.factories import set_rate

DAY = date(2026, 5, 21)


def test_the_latest_rate_in_force_is_used(ctx: Flask) -> None:
    set_rate("EUR", "17500", date(2026, 4, 1))
    set_rate("EUR", "18150.50", date(2026, 5, 1))
    set_rate("EUR", "20000", date(2026, 6, 1))  # not in force yet
    price = convert(950_000, "EUR", DAY)
    assert price is not None
    assert price.amount == Decimal("52.34")  # 950000 / 18150.50 = 52.340...
    assert price.rate_date == date(2026, 5, 1)
    assert format_money(price.amount, price.currency, "en") == "€52.34"
    assert format_money(price.amount, price.currency, "de") == "52,34\xa0€"


def test_no_rate_or_rupiah_means_rupiah_only(ctx: Flask) -> None:
    assert convert(950_000, "EUR", DAY) is None
    set_rate("EUR", "18000", date(2026, 6, 1))
    assert convert(950_000, "EUR", DAY) is None
    assert convert(950_000, "IDR", DAY) is None
    assert convert(None, "EUR", DAY) is None
    assert format_rupiah(950_000, "en") == "Rp\xa0950,000"


def test_currencies_without_minor_units_round_to_whole_amounts(ctx: Flask) -> None:
    set_rate("KRW", "11.6", date(2026, 1, 1))
    price = convert(950_000, "KRW", DAY)
    assert price is not None
    assert price.amount == Decimal("81897")  # 81896.55... rounded half up
    assert format_money(price.amount, price.currency, "ko") == "₩81,897"
