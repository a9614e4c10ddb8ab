"""The price a visitor or buyer sees beside the rupiah, in their own currency.

The currency, first that applies:
1. the signed-in buyer's saved preference;
2. the currency of the buyer's partner city (their own place);
3. the currency of the channel this page shows, else of the channel the visit came through
   (a shelf tag scanned at Little Bandung shows won);
4. the currency of the page's language: euro for German and French, won for Korean, ringgit for
   Malay, yuan for Chinese; for English the region the browser names (en-US: dollars, en-AU:
   Australian dollars), else none.
Rupiah, or no currency, shows the rupiah only. The office's rate in force today converts the
price, and the page names the rate and its date; without a rate the rupiah stands alone.

The currency and its rate are resolved once per request (`viewer_rate`), however many cards a
page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.numbers import get_territory_currencies
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import ConvertedPrice, convert_with, rate_in_force
from marketplace.money import RUPIAH
from marketplace.page_cache import forget_visit_parts
from marketplace.periods import bandung_today
from marketplace.products.models import Product

LOCALE_CURRENCIES = {"de": "EUR", "fr": "EUR", "ko": "KRW", "ms": "MYR", "zh": "CNY"}
_CACHE_KEY = "viewer_rate"
_PAGE_CHANNEL_KEY = "price_page_channel"
VISIT_CURRENCY = "marketplace.visit_currency"  # in `app.extensions`: finds the visit's currency


@dataclass(frozen=True)
class ViewerRate:
    currency: str | None
    rate: ExchangeRate | None


def use_page_currency(currency: str) -> None:
    """This page shows a channel whose currency is `currency`: it comes before the visit's
    (step 3)."""
    g.setdefault(_PAGE_CHANNEL_KEY, currency)
    g.pop(_CACHE_KEY, None)
    forget_visit_parts()


def init_visit_currency(app: Flask, find: Callable[[], str | None]) -> None:
    """Let step 3 ask `find` for the currency of the channel this visit came through (the
    channels know it; they sit above this module)."""
    app.extensions[VISIT_CURRENCY] = find


def _buyer_currency() -> str | None:
    if not (current_user.is_authenticated and current_user.role == Role.BUYER):
        return None
    profile = current_user.buyer_profile
    if profile is None:
        return None
    if profile.preferred_currency:
        return str(profile.preferred_currency)
    if profile.partner_city is not None:
        return str(profile.partner_city.currency)
    return None


def _channel_currency() -> str | None:
    page = g.get(_PAGE_CHANNEL_KEY)
    if page:
        return str(page)
    find = current_app.extensions.get(VISIT_CURRENCY)
    return find() if find is not None else None


def english_region_currency() -> str | None:
    """The currency of the region in the browser's first English with a region (en-AU)."""
    for tag, _quality in request.accept_languages:
        language, _, region = tag.replace("_", "-").partition("-")
        if language.lower() != "en" or not region:
            continue
        if len(region) == 2 and region.isalpha():
            found = get_territory_currencies(region.upper(), tender=True, non_tender=False)
            return found[0] if found else None
        return None
    return None


def locale_currency(locale: str) -> str | None:
    if locale == "en":
        return english_region_currency()
    return LOCALE_CURRENCIES.get(locale)


def viewer_currency() -> str | None:
    """The currency shown beside rupiah (see the module's order), or None."""
    currency = _buyer_currency() or _channel_currency()
    if currency is None:
        currency = locale_currency(str(get_locale() or "en"))
    return None if currency == RUPIAH else currency


def viewer_rate() -> ViewerRate:
    """The viewer's currency and the office's rate for it today, once per request."""
    if has_request_context() and _CACHE_KEY in g:
        cached: ViewerRate = g.get(_CACHE_KEY)
        return cached
    currency = viewer_currency()
    rate = db.session.scalar(rate_in_force(currency, bandung_today())) if currency else None
    found = ViewerRate(currency, rate)
    g.setdefault(_CACHE_KEY, found)
    return found


def viewer_price(product: Product) -> ConvertedPrice | None:
    """`product`'s price in the viewer's currency, or None (then rupiah only)."""
    rate = viewer_rate().rate
    if rate is None or product.price_idr is None:
        return None
    return convert_with(product.price_idr, rate)
