"""Money as each language writes it (marketplace/money.py): CLDR's patterns, rupiah always
"Rp" and whole, currencies without minor units without decimals, "US$" where "$" alone is
ambiguous; and amounts typed as people write them."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency

from marketplace.i18n import UI_LOCALES
from marketplace.money import (
    RUPIAH,
    currency_symbol,
    format_money,
    format_rupiah,
    minor_digits,
    parse_amount,
    rate_terms,
)

NB = "\xa0"


@pytest.mark.parametrize(
    ("locale", "rupiah", "converted", "currency", "amount"),
    [
        ("de", f"950.000{NB}Rp", f"54,29{NB}€", "EUR", "54.29"),
        ("fr", f"950\u202f000{NB}Rp", f"54,29{NB}€", "EUR", "54.29"),
        ("ko", f"Rp{NB}950,000", "₩80,851", "KRW", "80851"),
        ("ms", f"Rp{NB}950,000", f"RM{NB}256.76", "MYR", "256.76"),
        ("zh", f"Rp{NB}950,000", "¥422.22", "CNY", "422.22"),
        ("en", f"Rp{NB}950,000", "US$57.06", "USD", "57.06"),
        ("en", f"Rp{NB}950,000", "A$87.24", "AUD", "87.24"),
        ("id", f"Rp{NB}950.000", "US$57,06", "USD", "57.06"),
    ],
)
def test_each_language_writes_money_its_own_way(
    locale: str, rupiah: str, converted: str, currency: str, amount: str
) -> None:
    assert format_rupiah(950_000, locale) == rupiah
    assert format_money(Decimal(amount), currency, locale) == converted


def test_rupiah_and_won_never_show_decimals() -> None:
    assert format_rupiah(Decimal("950000.40"), "en") == f"Rp{NB}950,000"
    assert format_money(Decimal("950000"), "IDR", "de") == f"950.000{NB}Rp"
    assert format_money(Decimal("80851"), "KRW", "de") == f"80.851{NB}₩"
    assert format_rupiah(None, "en") == ""


def test_a_rate_reads_with_enough_rupiah_digits() -> None:
    assert rate_terms(Decimal("17512.34"), "EUR", "de") == (f"1{NB}€", f"17.512{NB}Rp")
    assert rate_terms(Decimal("11.75"), "KRW", "ko") == ("₩100", f"Rp{NB}1,175")


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("5250", "EUR", "5250"),
        ("5,250.50", "EUR", "5250.50"),
        ("5.250,50", "EUR", "5250.50"),
        ("5 250,50 €", "EUR", "5250.50"),
        ("5.250", "EUR", "5250"),
        ("52.5", "EUR", "52.5"),
        ("Rp 12.500.000", "IDR", "12500000"),
        ("80,851", "KRW", "80851"),
    ],
)
def test_amounts_are_read_as_people_write_them(text: str, currency: str, amount: str) -> None:
    assert parse_amount(text, currency) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.234.5", "12,50.5", "1.2"])
def test_what_is_no_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text, "IDR" if text == "1.2" else "EUR")


def _as_babel_writes_it(amount: Decimal, currency: str, locale: str, whole: bool) -> str:
    """The rules of the module's docstring applied through Babel's `format_currency` on every
    call (how money.py wrote amounts before it kept each format as a template)."""
    parsed = Locale.parse(locale)
    pattern = parsed.currency_formats["standard"].pattern.replace("¤", "¤¤")
    digits = 0 if whole else minor_digits(currency)
    if digits == 0:
        pattern = re.sub(r"\.[0#]+", "", pattern)
    text = format_currency(
        amount, currency, format=pattern, locale=parsed, currency_digits=digits != 0
    )
    symbol = currency_symbol(currency, locale)
    text = text.replace(currency, symbol, 1)
    if symbol[-1].isalpha():
        text = re.sub(re.escape(symbol) + r"(?=[\d-])", symbol + NB, text, count=1)
    if symbol[0].isalpha():
        text = re.sub(r"(?<=\d)" + re.escape(symbol), NB + symbol, text, count=1)
    return text


@pytest.mark.parametrize("locale", [*UI_LOCALES, "en_US", "en_AU", "hi", "ar"])
def test_kept_formats_write_what_babel_writes(locale: str) -> None:
    """Every language and currency, whole and with decimals, rounded or not, tiny and huge."""
    draw = random.Random(locale)
    amounts = [Decimal(text) for text in ("0", "1", "0.5", "0.005", "12.345", "999", "1000")]
    amounts += [Decimal("1E+3"), Decimal("-5"), Decimal("1234567.891"), Decimal(10**15)]
    amounts += [Decimal(draw.randrange(10**12)) for _ in range(50)]
    amounts += [Decimal(draw.randrange(10**8)) / 100 for _ in range(50)]
    for currency in (RUPIAH, "EUR", "USD", "KRW", "MYR", "CNY", "AUD", "JPY", "KWD", "INR"):
        for whole in (False, True):
            for amount in amounts:
                amount = amount.quantize(Decimal(1)) if whole else amount
                expected = _as_babel_writes_it(amount, currency, locale, whole)
                assert format_money(amount, currency, locale, whole=whole) == expected
