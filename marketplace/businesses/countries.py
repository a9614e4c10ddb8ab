"""The countries an MSME already exports to: ISO 3166-1 alpha-2 codes, kept as a list on the
business and named in the reader's language (Babel's CLDR names) wherever they are shown."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale
from wtforms import SelectChoice

# CLDR names regions that are no country of ISO 3166-1 (unions, reserved and private codes).
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    territories = Locale.parse("en").territories
    return frozenset(
        code
        for code in territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in NOT_COUNTRIES
    )


def is_country(code: str) -> bool:
    return code in country_codes()


@cache
def _names(locale: str) -> dict[str, str]:
    try:
        territories = Locale.parse(locale).territories
    except (ValueError, LookupError):
        territories = Locale.parse("en").territories
    return {code: str(territories.get(code, code)) for code in country_codes()}


def country_name(code: str, locale: str) -> str:
    """The country's name in `locale`; an unknown code is shown as it is."""
    return _names(locale).get(code, code)


def country_names(codes: Iterable[str], locale: str) -> list[str]:
    """The names of `codes` in `locale`, in the order a reader of it looks for them."""
    return sorted((country_name(code, locale) for code in codes), key=str.casefold)


def country_choices(locale: str, chosen: Iterable[str] = ()) -> list[SelectChoice]:
    """Every country named in `locale`: those already chosen first, then the others by name."""
    names = _names(locale)
    first = set(chosen) & set(names)
    ordered = sorted(names.items(), key=lambda item: (item[0] not in first, item[1].casefold()))
    return [SelectChoice(code, name) for code, name in ordered]
