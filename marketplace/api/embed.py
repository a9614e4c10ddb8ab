"""A channel's line-up for a partner city's website (/embed/channels/<slug>): a page made to sit
in an <iframe> on any site, without the site's header and footer, in the language and currency
the snippet asks for (`?lang=de&currency=EUR`; by default the channel's own, as its page).

The line-up is the channel page's (`channels.queries.lineup`: what a visitor finds there), its
cards the page's (`channels.pages.lineup_cards`: the product's text in the language, the price
converted with the trade office's rate in force today). Each card opens the product's page in
a new tab through the channel's own link, which credits the visit to the channel. The page is
the same for every visitor of one address: kept whole (`public_page`). It may be framed by any
site (`security.framable`); it sets no cookie and counts nothing.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale

from marketplace.channels import queries
from marketplace.channels.models import Channel
from marketplace.channels.pages import lineup_cards
from marketplace.db import db, found_or_404
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH
from marketplace.page_cache import public_page
from marketplace.periods import bandung_today
from marketplace.reference.loader import currencies
from marketplace.security import framable

bp = Blueprint("embed", __name__)


def shown_language(channel: Channel) -> str:
    """`?lang=` when it is one of the languages, else the channel's."""
    asked = request.args.get("lang", "")
    return asked if asked in CONTENT_LOCALES else channel.locale


def shown_currency(channel: Channel) -> str:
    """`?currency=` when prices can be shown in it, else the channel's."""
    asked = request.args.get("currency", "")
    return asked if asked in currencies() else channel.currency


def _rate(currency: str) -> ExchangeRate | None:
    if currency == RUPIAH:
        return None
    return db.session.scalar(rate_in_force(currency, bandung_today()))


@bp.get("/embed/channels/<slug>")
@framable
@public_page
def channel(slug: str) -> str:
    found = found_or_404(queries.public_channel(), slug=slug)
    language, currency = shown_language(found), shown_currency(found)
    nominations = list(db.session.scalars(queries.lineup(found.id)).unique())
    rate = _rate(currency)
    with force_locale(language):
        return render_template(
            "api/embed_channel.html",
            channel=found,
            language=language,
            cards=lineup_cards(found, nominations, rate),
            rate=rate,
        )
