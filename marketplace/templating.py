"""What every template can use: language choices, money and date formatting (`when` for a
moment, with its zone; `day` for a date), words for stored keys (roles, statuses, audit
actions), the current page's address, the nav's counts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from flask import Flask, g, request
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace import fragments, money
from marketplace.businesses.countries import country_names
from marketplace.dates import format_day, when
from marketplace.i18n import UI_LOCALES, alternates, fallback_notice, html_lang, page_locale
from marketplace.labels import label, status_label
from marketplace.ledger.rates import ConvertedPrice
from marketplace.products.display import picture, product_text
from marketplace.products.prices import viewer_price
from marketplace.rfq.services import quote_of
from marketplace.units import quantity, unit_label
from marketplace.urls import public_url


def format_idr(amount: int | Decimal | None) -> str:
    """Whole rupiah as the page's language writes them ("Rp 950.000", "950.000 Rp")."""
    return money.format_rupiah(amount, page_locale())


def format_money(value: ConvertedPrice | Decimal | int | None, currency: str | None = None) -> str:
    """A converted price, or an amount of `currency`, as the page's language writes it."""
    if value is None:
        return ""
    if isinstance(value, ConvertedPrice):
        return money.format_money(value.amount, value.currency, page_locale())
    return money.format_money(value, currency or money.RUPIAH, page_locale())


def rate_terms(idr_per_unit: Decimal, currency: str) -> tuple[str, str]:
    """ "1 €" and "17.512 Rp": both sides of an office rate, for the price's disclosure."""
    return money.rate_terms(idr_per_unit, currency, page_locale())


def quantity_of(n: int | None, unit: str | None) -> str:
    """`n` units with the plural the reader's language needs ("10 pieces", "10개"); a number
    without a unit is shown grouped alone."""
    if n is None:
        return ""
    if not unit:
        return format_decimal(n)
    return quantity(n, unit)


def countries(codes: Iterable[str] | None) -> str:
    """Country codes named and listed as the page's language writes them ("Japan, Malaysia and
    Singapore", "日本、马来西亚和新加坡")."""
    locale = str(get_locale() or "en")
    names = country_names(codes or (), locale)
    return format_list(names, locale=locale) if names else ""


def nl2br(text: str | None) -> Markup:
    """Escape first, then keep line breaks: user text never becomes markup."""
    if not text:
        return Markup("")
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


def this_page() -> str:
    """The current path with its query string (`/products/x?lang=de`): where a `next=` link
    brings the person back to, as they saw it."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


FRAME = "_frame.html"
FRAME_PARTS = ("header_start", "header_end", "footer")


def frame() -> dict[str, Markup]:
    """The parts of every page's frame (templates/_frame.html), by name: the header up to the
    language switch's `next` field, the rest of the header, the footer. A visitor's are the
    same on every page of one language: kept as one piece. A signed-in person's show their own
    links and counts: rendered for them."""
    if current_user.is_authenticated:
        parts = _frame()
    else:
        parts = fragments.kept_value("frame", [], _frame)
    return {name: Markup(html) for name, html in parts.items()}


def _frame() -> dict[str, str]:
    macros = fragments.module(FRAME)
    return {name: str(getattr(macros, name)()) for name in FRAME_PARTS}


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["rupiah"] = format_idr
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["rate_terms"] = rate_terms
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.filters["unit"] = unit_label
    app.jinja_env.filters["quantity"] = quantity_of
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["countries"] = countries
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.globals["this_page"] = this_page
    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.globals["language_alternates"] = alternates
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["fallback_notice"] = fallback_notice
    app.jinja_env.globals["picture"] = picture
    app.jinja_env.globals["product_text"] = product_text
    app.jinja_env.globals["viewer_price"] = viewer_price
    app.jinja_env.globals["frame"] = frame
    app.jinja_env.globals["quote_of"] = quote_of
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        locale = get_locale()
        return {
            "ui_locales": UI_LOCALES,
            "current_locale": str(locale) if locale else "en",
            "nav_counts": getattr(g, "nav_counts", {}),
        }
