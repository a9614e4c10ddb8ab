"""Money as the reader's language writes it: the one place amounts become text.

Every page, e-mail, printed catalog and report formats rupiah and other currencies here, with
Babel's currency patterns for the locale (CLDR): "Rp 950.000" in Indonesian, "950.000 Rp" in
German, "54,29 €", "₩80,851", "RM 52.10", "¥52.10" in Chinese.

Rules beyond CLDR's data, because Babel leaves them out or the marketplace needs them:
- rupiah is always "Rp" (the way Bandung writes it, whatever the reader's language) and never
  shows decimals: prices are whole rupiah;
- a currency without minor units (won) shows none; the others show theirs (cents);
- a symbol that is only "$" becomes "US$" for the US dollar: the interface's languages name
  no country, and readers in Melbourne and Fort Worth both read "$";
- a symbol made of letters ("Rp", "RM") stands apart from the digits by a no-break space, as
  CLDR's currency spacing asks ("RM 52.10", but "€52.10").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    parse_pattern,
)

RUPIAH = "IDR"
RUPIAH_SYMBOL = "Rp"
NBSP = "\xa0"
_FRACTION = re.compile(r"\.[0#]+")


def _locale(locale: str | None) -> Locale:
    try:
        return Locale.parse(locale or "en")
    except (ValueError, TypeError):
        return Locale.parse("en")


def minor_digits(currency: str) -> int:
    """Decimals an amount in `currency` is written with: none for rupiah and won."""
    return 0 if currency == RUPIAH else get_currency_precision(currency)


def currency_symbol(currency: str, locale: str | None = None) -> str:
    """ "Rp" for rupiah; otherwise the locale's symbol, "$" made "US$"."""
    if currency == RUPIAH:
        return RUPIAH_SYMBOL
    symbol = get_currency_symbol(currency, _locale(locale))
    if symbol == "$":
        return "US$" if currency == "USD" else currency
    return symbol


def _spaced(text: str, symbol: str) -> str:
    """CLDR currency spacing: a symbol ending (or starting) with a letter next to a digit."""
    if symbol[-1].isalpha():
        text = re.sub(re.escape(symbol) + r"(?=[\d-])", symbol + NBSP, text, count=1)
    if symbol[0].isalpha():
        text = re.sub(r"(?<=\d)" + re.escape(symbol), NBSP + symbol, text, count=1)
    return text


@dataclass(frozen=True)
class _Format:
    """How one locale writes one currency, looked up and parsed once per process (a catalog
    page formats dozens of prices), where Babel's `format_currency` would on every call.

    Where the locale groups digits by threes, `template` holds what Babel writes around the
    number (symbol and spacing done) and its group and decimal marks, and an amount with no
    more decimals than shown is written from it directly; any other goes through Babel."""

    locale: Locale
    pattern: NumberPattern
    currency: str
    digits: int  # decimals shown
    symbol: str
    template: tuple[str, str, str, str] | None  # before, after, group mark, decimal mark

    def babel(self, amount: Decimal) -> str:
        text = self.pattern.apply(
            amount, self.locale, currency=self.currency, currency_digits=self.digits != 0
        )
        return _spaced(text.replace(self.currency, self.symbol, 1), self.symbol)

    def write(self, amount: Decimal) -> str:
        if self.template is None or not amount.is_finite() or amount.is_signed():
            return self.babel(amount)
        quantum = _QUANTUMS[self.digits]
        shown = amount.quantize(quantum)
        if shown != amount:  # Babel rounds
            return self.babel(amount)
        before, after, group, decimal = self.template
        whole, _, fraction = f"{shown:f}".partition(".")
        number = f"{int(whole):,}".replace(",", group) + (decimal + fraction if fraction else "")
        return before + number + after


_QUANTUMS = [Decimal(1).scaleb(-digits) for digits in range(10)]
_SAMPLE = re.compile(r"(\D*)1(\D+)234\2(?:567)(?:(\D+)(\d+))?(\D*)")


def _template(found: _Format) -> tuple[str, str, str, str] | None:
    """Babel's own text for 1,234,567 (with the decimals shown), taken apart."""
    fraction = "123456789"[: found.digits]
    sample = found.babel(Decimal(f"1234567.{fraction}" if fraction else "1234567"))
    parts = _SAMPLE.fullmatch(sample)
    if parts is None or (parts[4] or "") != fraction:
        return None
    return parts[1], parts[5], parts[2], parts[3] or ""


@lru_cache(maxsize=256)
def _money_format(currency: str, locale: str | None, whole: bool) -> _Format:
    parsed = _locale(locale)
    pattern = parsed.currency_formats["standard"].pattern.replace("¤", "¤¤")
    digits = 0 if whole else minor_digits(currency)
    if digits == 0:
        pattern = _FRACTION.sub("", pattern)
    symbol = currency_symbol(currency, locale)
    found = _Format(parsed, parse_pattern(pattern), currency, digits, symbol, None)
    return replace(found, template=_template(found))


def format_money(
    amount: Decimal | int, currency: str, locale: str | None = None, *, whole: bool = False
) -> str:
    """`amount` of `currency` as `locale` writes it ("54,29 €", "₩80,851", "950.000 Rp");
    `whole` leaves the decimals out (the "1 €" of a rate)."""
    return _money_format(currency, locale, whole).write(Decimal(amount))


def format_rupiah(amount: int | Decimal | None, locale: str | None = None) -> str:
    """Whole rupiah ("Rp 950.000", "950.000 Rp"); "" when there is no amount."""
    if amount is None:
        return ""
    return format_money(Decimal(amount).quantize(Decimal(1)), RUPIAH, locale)


def rate_scale(idr_per_unit: Decimal) -> int:
    """How many units a rate is quoted for, so the rupiah side keeps four digits: 1 € =
    17.512 Rp, but ₩1,000 = Rp 11,751 (one won is about 12 rupiah)."""
    units = 1
    while Decimal(idr_per_unit) * units < 1000 and units < 10**6:
        units *= 10
    return units


def rate_terms(idr_per_unit: Decimal, currency: str, locale: str | None = None) -> tuple[str, str]:
    """Both sides of a rate as `locale` writes them: ("1 €", "17.512 Rp")."""
    units = rate_scale(idr_per_unit)
    rupiah = (Decimal(idr_per_unit) * units).quantize(Decimal(1))
    return format_money(units, currency, locale, whole=True), format_rupiah(rupiah, locale)


_SYMBOLS = re.compile(r"[^\d.,'\s-]")
_GROUPS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def parse_amount(text: str, currency: str) -> Decimal:
    """An amount typed as people write it, in any of the seven languages: "5250", "5,250.50",
    "5.250,50", "5 250,50", "€ 5.250,50", "Rp 12.500.000". Rupiah and other currencies without
    minor units have no decimals, so every separator groups digits there; elsewhere the last
    separator is the decimal mark unless exactly three digits follow it once ("5.250" is five
    thousand). Raises ValueError for anything else, a negative amount included."""
    cleaned = _SYMBOLS.sub("", text).strip()
    cleaned = re.sub(r"[\s']", "", cleaned)
    if not cleaned or "-" in cleaned or not re.fullmatch(r"[\d.,]+", cleaned):
        raise ValueError(text)
    if not cleaned[0].isdigit() or not cleaned[-1].isdigit():
        raise ValueError(text)
    marks = [ch for ch in cleaned if ch in ".,"]
    if minor_digits(currency) == 0 or not marks:
        whole, fraction = re.sub(r"[.,]", "", cleaned), ""
    else:
        last = max(cleaned.rfind("."), cleaned.rfind(","))
        head, tail = cleaned[:last], cleaned[last + 1 :]
        if len(set(marks)) == 1 and (len(marks) > 1 or len(tail) == 3):
            whole, fraction = re.sub(r"[.,]", "", cleaned), ""
        elif cleaned[last] in head:
            raise ValueError(text)
        else:
            whole, fraction = re.sub(r"[.,]", "", head), tail
    grouped = cleaned[: len(cleaned) - len(fraction) - (1 if fraction else 0)]
    if any(ch in ".," for ch in grouped) and not _GROUPS.fullmatch(grouped):
        raise ValueError(text)
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(text)
    return Decimal(f"{whole}.{fraction}" if fraction else whole)
