"""Public channel pages: the sister cities, the channels and their line-ups, the printable
catalog, and the permanent short address printed in QR shelf tags (/t/<token>).

These addresses are printed and shared and never change. Views of the pages and catalogs and
scans of the tags are counted (see `visits`) once per visitor and day, bots left out: the
count is buffered and written later, with others, so the page writes nothing (see `counting`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from marketplace import fragments
from marketplace.channels import queries, visits
from marketplace.channels.catalog_files import build_catalog, kept_catalog
from marketplace.channels.curation import (
    accepts_nominations,
    has_ended,
    is_past,
    shown_status,
)
from marketplace.channels.models import Channel
from marketplace.channels.pages import lineup_cards, pdf_response
from marketplace.channels.sharing import share_channel
from marketplace.counting.visitors import count_visit, subject
from marketplace.db import db, found_or_404
from marketplace.i18n import use_channel_language
from marketplace.inputs import LINEUP_PER_PAGE
from marketplace.link_preview import Share, share_page
from marketplace.page_cache import public_page, repeat_on_hit
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from marketplace.products.prices import use_page_currency, viewer_rate
from marketplace.visits import start_channel_visit

bp = Blueprint("channels", __name__)


@dataclass(frozen=True)
class ChannelAt:
    """What a channel's page must know before anything is rendered: its language and
    currency, which the page speaks in unless the visitor chose otherwise."""

    id: int
    locale: str
    currency: str

    @classmethod
    def of(cls, channel: Channel) -> ChannelAt:
        return cls(channel.id, channel.locale, channel.currency)


@dataclass(frozen=True)
class ChannelPieces:
    """What a channel's page shows of the channel itself on one day (templates/channels/
    _about.html), the same for every reader of one language."""

    slug: str
    name: str
    head: Markup
    about: Markup
    window: Markup
    open_for_nominations: bool


def channel_pieces(channel: Channel, today: date) -> ChannelPieces:
    about = fragments.module("channels/_about.html")
    past = is_past(channel, today)
    return ChannelPieces(
        slug=channel.slug,
        name=channel.name,
        head=Markup(about.head(channel, past)),
        about=Markup(about.about(channel)),
        window=Markup(about.window(channel)),
        open_for_nominations=not past and accepts_nominations(channel, today),
    )


CATALOG_MAX_AGE = 300  # seconds a printed catalog may be cached: line-ups change slowly


def _channel(slug: str) -> Channel:
    return found_or_404(queries.public_channel(), slug=slug)


def product_address(product: Product, locale: str | None) -> str:
    """The product's public page, with the channel's language asked for in the address."""
    address = url_for("products.page", slug=product.slug)
    if locale and locale != "en":
        address += "?" + urlencode({"lang": locale})
    return address


def series_groups(channels: list[Channel]) -> list[tuple[str | None, list[Channel]]]:
    """Editions of one series together (the query orders them so); other channels alone."""
    groups: list[tuple[str | None, list[Channel]]] = []
    for channel in channels:
        if channel.series and groups and groups[-1][0] == channel.series:
            groups[-1][1].append(channel)
        else:
            groups.append((channel.series, [channel]))
    return groups


@bp.get("/channels")
@public_page
def index() -> str:
    """Current channels, editions of a series together; then the past ones, newest first:
    archived by the office, or open or closed but with their dates over."""
    today = bandung_today()
    listed = list(db.session.scalars(queries.listed_channels()))
    ended = [channel for channel in listed if has_ended(channel, today)]
    past = sorted(
        [*db.session.scalars(queries.past_channels()), *ended],
        key=lambda channel: (channel.starts_on is None, -(channel.starts_on or today).toordinal()),
    )
    return render_template(
        "channels/index.html",
        groups=series_groups([channel for channel in listed if channel not in ended]),
        status_of={channel.id: shown_status(channel, today) for channel in listed},
        past=past,
        share=share_page(
            _("Promotion channels"),
            _(
                "Showrooms, fairs, festivals and business exchanges abroad where the trade office"
                " shows a curated selection of Bandung's products."
            ),
        ),
    )


@bp.get("/channels/<slug>")
@public_page
def show(slug: str) -> str:
    """The line-up first, for shoppers, in the channel's language unless the visitor's own
    choice or browser says otherwise; the call to MSMEs after it, only while it applies.

    The line-up is shown LINEUP_PER_PAGE products at a time (`?page=`, see `numbered_page`),
    in as many statements for the tenth page of a long line-up as for the first of a short
    one; the printed catalog and the tag sheets still hold all of it. The channel is read only
    when its pieces (`ChannelAt`, `ChannelPieces`, the line-up, the link preview) are not kept:
    asked again, the page reads nothing until the data changes."""

    @cache
    def channel() -> Channel:
        return _channel(slug)

    at = fragments.kept_value("channel-at", [slug], lambda: ChannelAt.of(channel()))
    use_channel_language(at.locale)
    use_page_currency(at.currency)
    today = bandung_today()
    shown = fragments.kept_value(
        "channel-shown", [at.id, today], lambda: channel_pieces(channel(), today)
    )

    def render(page: Pagination) -> str:
        rate = viewer_rate().rate  # read only when the line-up is not kept
        cards = lineup_cards(channel(), list(page.items), rate)
        return fragments.macro("channels/_lineup.html", "lineup")(channel(), page, cards, rate)

    lineup = fragments.kept_listing(
        "channel-lineup", [at.id], lambda: queries.lineup(at.id), LINEUP_PER_PAGE, render
    )

    def share() -> Share:
        cover = db.session.scalars(queries.lineup_cover(at.id)).first()
        return share_channel(channel(), [cover] if cover else [], page=lineup.page)

    html = render_template(
        "channels/show.html",
        channel=shown,
        at=at,
        lineup=lineup,
        share=fragments.kept_value("channel-share", [at.id, lineup.page], share),
    )
    repeat_on_hit(count_visit, subject("channel-page", at.id), "channel-page", at.id)
    return html


@bp.get("/channels/<slug>/catalog.pdf")
def catalog(slug: str) -> Response:
    channel = _channel(slug)
    today = bandung_today()
    # Built ahead by the worker (channels.catalog_files) while current, else here and now.
    data = kept_catalog(channel, today) or build_catalog(channel, today)
    count_visit(subject("channel-catalog", channel.id), "channel-catalog", channel.id)
    response = pdf_response(data, f"{slug}-catalog.pdf")
    response.cache_control.public = True
    response.cache_control.max_age = CATALOG_MAX_AGE
    return response


@bp.get("/channels/<slug>/products/<product_slug>")
def product(slug: str, product_slug: str) -> BaseResponse:
    """A product followed from the channel's page: the visit is credited to the channel."""
    channel = _channel(slug)
    found = visits.in_lineup(channel, product_slug)
    if found is None:
        abort(404)
    start_channel_visit(channel.id, channel.locale)
    target = product_address(found, channel.locale)
    count_visit(
        subject("channel-product", channel.id, found.id), "channel-product", channel.id, found.id
    )
    return redirect(target)


@bp.get("/t/<token>")
def tag(token: str) -> BaseResponse:
    """A scanned shelf tag: to the product in the channel's language, counting the scan (once
    per visitor and day).

    See `visits` for tags of products no longer in the line-up. When the product is not
    public (for instance back in review after an edit), the visitor lands on the channel's
    page instead of an error; an unknown token is a plain 404.
    """
    if len(token) > 32:
        abort(404)
    visit = visits.find_tag(token)
    if visit is None:
        abort(404)
    channel = visit.channel
    if visit.product.is_public:
        target = product_address(visit.product, channel.locale)
    elif channel.status in queries.PUBLIC_STATUSES:
        target = url_for("channels.show", slug=channel.slug)
    else:
        abort(404)
    if visit.counts:
        nomination_id = visit.nomination.id
        count_visit(subject("scan", nomination_id), "scan", nomination_id)
        start_channel_visit(channel.id, channel.locale)
    response = redirect(target)
    response.cache_control.no_store = True
    return response
