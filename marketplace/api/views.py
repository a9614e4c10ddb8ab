"""The read-only JSON API (/api/v1/...): the catalog, search, one product, channels, partners.

Programs (partner-city portals, showroom kiosks) see what a visitor sees, through the same
selects as the pages: only published products of verified businesses, public channels. Lists
use the catalog's keyset cursors and issue the same statements whatever their size. Nothing
here writes: API reads are not counted as page views or scans (a kiosk polling a line-up is not
a visitor).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from flask import current_app
from flask_smorest import abort
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from marketplace.api import payloads, schemas
from marketplace.api.base import ApiBlueprint, json_error
from marketplace.businesses.models import ExportExperience
from marketplace.catalog import queries as catalog
from marketplace.catalog.forms import DEFAULT_PER_PAGE
from marketplace.catalog.pagination import KeyValue, decode_cursor, encode_cursor
from marketplace.channels import queries as channel_queries
from marketplace.channels.models import Channel
from marketplace.db import db, found_or_404, utcnow
from marketplace.extensions import limiter
from marketplace.products import queries as product_queries
from marketplace.search.queries import CANDIDATE_CAP, search_products
from marketplace.search.suggestions import suggest
from marketplace.search.text import Term, query_terms, typed
from marketplace.urls import public_url

bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The public catalog, search, products, channels and partner cities (read-only).",
)
bp.register_error_handler(HTTPException, json_error)
# One budget per client for the whole API (API_RATE_LIMIT), not one per address.
limiter.shared_limit(lambda: str(current_app.config["API_RATE_LIMIT"]), scope="api")(bp)

COUNT_CAP = CANDIDATE_CAP  # as on the catalog page: beyond this, "more than"


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _locale(args: dict[str, Any]) -> str:
    return str(args.get("lang") or "en")


def _filters(args: dict[str, Any]) -> catalog.CatalogFilters:
    export = args.get("export")
    return catalog.CatalogFilters(
        subsector=args.get("subsector"),
        channel=args.get("channel"),
        city=args.get("city"),
        certification=args.get("cert"),
        min_price=args.get("min_price"),
        max_price=args.get("max_price"),
        max_moq=args.get("max_moq"),
        max_lead_days=args.get("max_lead"),
        export=ExportExperience(export) if export else None,
    )


def _cursor(
    scope: str, args: dict[str, Any], kind: Literal["int", "datetime"] = "int"
) -> tuple[KeyValue, int] | None:
    """A cursor that does not belong to this listing is refused: the page would silently
    start again from the top, and a program walking the pages would loop."""
    token = args.get("after")
    if not token:
        return None
    after = decode_cursor(_secret(), scope, token, kind=kind)
    if after is None:
        abort(400, message="The cursor `after` does not belong to this listing.")
    return after


def _next_url(endpoint: str, args: dict[str, Any], cursor: str) -> str:
    kept = {name: value for name, value in args.items() if name != "after"}
    return public_url(endpoint, **kept, after=cursor)


@bp.get("/products")
@bp.arguments(schemas.CatalogArgs, location="query")
@bp.response(200, schemas.ProductList)
def products(args: dict[str, Any]) -> dict[str, Any]:
    """The catalog, with the filters and sort orders of the /catalog page."""
    filters, today = _filters(args), utcnow().date()
    order = catalog.SortOrder(args.get("sort") or catalog.SortOrder.NEWEST.value)
    sort = catalog.catalog_sort(order)
    size = int(args.get("per_page") or DEFAULT_PER_PAGE)
    after = _cursor(order.value, args, sort.kind)
    rows = db.session.execute(
        catalog.catalog_page(filters, order, today, after=after, limit=size + 1)
    ).all()
    total = db.session.scalar(catalog.catalog_count(filters, today, cap=COUNT_CAP)) or 0
    next_url = None
    if len(rows) > size:
        last, value = rows[size - 1]
        next_url = _next_url(
            ".products", args, encode_cursor(_secret(), order.value, value, last.id)
        )
    locale = _locale(args)
    return {
        "items": [payloads.product_summary(row[0], locale) for row in rows[:size]],
        "next": next_url,
        "count": min(total, COUNT_CAP),
        "more_than_count": total > COUNT_CAP,
    }


def _search_scope(terms: Sequence[Term]) -> str:
    """A search cursor belongs to the words it was made for."""
    return "api-search:" + hashlib.sha256(typed(terms).encode()).hexdigest()[:16]


@bp.get("/search")
@bp.arguments(schemas.SearchArgs, location="query")
@bp.response(200, schemas.SearchResults)
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Full-text search over product texts in every language, best match first, with the
    catalog's filters. Words are matched as prefixes, Chinese and Korean words also inside
    longer words; anything but words is ignored. A misspelt word gets a suggestion."""
    terms = query_terms(args["q"])
    if not terms:
        return {
            "items": [],
            "next": None,
            "count": 0,
            "more_than_count": False,
            "suggestion": None,
        }
    where = catalog.filter_conditions(_filters(args), utcnow().date())
    size = int(args.get("per_page") or DEFAULT_PER_PAGE)
    scope = _search_scope(terms)
    cursor = _cursor(scope, args)
    after = (cursor[0], cursor[1]) if cursor and isinstance(cursor[0], int) else None
    rows = db.session.execute(
        search_products(terms, where, after=after, limit=size + 1).options(*catalog.card_options())
    ).all()
    next_url = None
    if len(rows) > size:
        last, score, _matches = rows[size - 1]
        next_url = _next_url(".search", args, encode_cursor(_secret(), scope, score, last.id))
    total = rows[0][2] if rows else 0  # every row carries the count of all candidates
    locale = _locale(args)
    suggestion = suggest(db.session.connection(), terms)
    return {
        "items": [payloads.product_summary(row[0], locale) for row in rows[:size]],
        "next": next_url,
        "count": min(total, CANDIDATE_CAP),
        "more_than_count": total > CANDIDATE_CAP,
        "suggestion": suggestion.query if suggestion else None,
    }


def _public_channels(product_id: int) -> list[Channel]:
    rows = db.session.execute(channel_queries.accepted_channels([product_id]))
    return [c for _id, c in rows if c.status in channel_queries.PUBLIC_STATUSES]


@bp.get("/products/<slug>")
@bp.arguments(schemas.LanguageArgs, location="query")
@bp.response(200, schemas.ProductDetail)
@bp.alt_response(404, schema=schemas.ErrorSchema, description="No such public product.")
def product(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """One product with its texts in every language, photos, certifications and channels."""
    if schemas.SLUG.match(slug) is None:
        abort(404)
    found = db.first_or_404(product_queries.public_product(slug))
    return payloads.product_detail(found, _locale(args), _public_channels(found.id))


@bp.get("/channels")
@bp.response(200, schemas.ChannelList)
def channels() -> dict[str, Any]:
    """Open and closed channels first (editions of a series together), then past ones."""
    listed = db.session.scalars(channel_queries.listed_channels()).all()
    past = db.session.scalars(
        channel_queries.past_channels().options(selectinload(Channel.partner_city))
    ).all()
    return {"items": [payloads.channel_summary(c) for c in [*listed, *past]]}


@bp.get("/channels/<slug>")
@bp.arguments(schemas.LanguageArgs, location="query")
@bp.response(200, schemas.ChannelDetail)
@bp.alt_response(404, schema=schemas.ErrorSchema, description="No such public channel.")
def channel(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """A channel and its current line-up (accepted products a visitor may see), by shelf."""
    if schemas.SLUG.match(slug) is None:
        abort(404)
    found = found_or_404(channel_queries.public_channel(), slug=slug)
    nominations = db.session.scalars(channel_queries.lineup(found.id)).unique().all()
    return payloads.channel_detail(found, nominations, _locale(args))


@bp.get("/partners")
@bp.response(200, schemas.PartnerList)
def partners() -> dict[str, Any]:
    """The sister cities, with their public channels and what they show."""
    cities = db.session.scalars(channel_queries.partner_cities()).unique().all()
    shown = {
        row[0]: (row[1], row[2]) for row in db.session.execute(channel_queries.partner_figures())
    }
    return {
        "items": [
            payloads.partner_city(
                city,
                shown.get(city.id),
                sorted(
                    (c for c in city.channels if c.status in channel_queries.PUBLIC_STATUSES),
                    key=lambda c: c.name,
                ),
            )
            for city in cities
        ]
    }
