"""The read-only JSON API (/api/v1/...): the catalog and its filters, search, one product,
channels and their line-ups, partner cities, MSMEs and their products.

Programs (partner-city portals, showroom kiosks) see what a visitor sees, through the same
selects as the pages: only published products of verified businesses, public channels, verified
MSMEs. Lists use the catalog's keyset cursors and issue the same statements whatever their size.
Prices are converted as the pages convert them: with the trade office's rate in force today in
Bandung (`ledger.rates`). Nothing here writes: API reads are not counted as page views or scans
(a kiosk polling a line-up is not a visitor).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from marketplace.api import filters as catalog_filters
from marketplace.api import payloads, schemas
from marketplace.api.base import PROBLEM_JSON, ApiBlueprint, api_abort
from marketplace.businesses import queries as business_queries
from marketplace.businesses.models import Business, ExportExperience
from marketplace.catalog import queries as catalog
from marketplace.catalog.forms import DEFAULT_PER_PAGE
from marketplace.catalog.pagination import (
    KeyValue,
    Sort,
    decode_cursor,
    encode_cursor,
    keyset_after,
)
from marketplace.channels import queries as channel_queries
from marketplace.channels.models import Channel
from marketplace.db import db, utcnow
from marketplace.extensions import csrf, limiter
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH
from marketplace.periods import bandung_today
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.search.queries import CANDIDATE_CAP, search_products
from marketplace.search.suggestions import suggest
from marketplace.search.text import Term, query_terms, typed
from marketplace.urls import public_url

bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The public catalog, search, products, channels, partner cities and MSMEs "
    "(read-only).",
)
# One budget per client for the whole API (API_RATE_LIMIT), not one per address.
limiter.shared_limit(lambda: str(current_app.config["API_RATE_LIMIT"]), scope="api")(bp)
# Nothing here changes anything, and no cookie is read: another method is a plain 405.
csrf.exempt(bp)

NOT_FOUND = "No public %s has this slug."


def _example(call: str) -> dict[str, str]:
    """An address to try, in the OpenAPI document (the reference page shows it)."""
    return {"x-example": call}


def _slug(what: str, example: str) -> list[dict[str, Any]]:
    """The path's `slug`, documented (a new list each time: the document's builder fills it)."""
    return [
        {
            "in": "path",
            "name": "slug",
            "description": f"The {what}'s slug, as in its web address.",
            "schema": {"type": "string", "pattern": schemas.SLUG.pattern},
            "example": example,
        }
    ]


COUNT_CAP = CANDIDATE_CAP  # as on the catalog page: beyond this, "more than"


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _locale(args: dict[str, Any]) -> str:
    return str(args.get("lang") or "en")


def _rate(args: dict[str, Any], default: str | None = None) -> ExchangeRate | None:
    """The office's rate in force today for the currency asked (else `default`), or None:
    rupiah, no currency, or no rate set for it yet."""
    currency = args.get("currency") or default
    if not currency or currency == RUPIAH:
        return None
    return db.session.scalar(rate_in_force(currency, bandung_today()))


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
        api_abort(400, "The cursor `after` does not belong to this listing.")
    return after


def _next_url(endpoint: str, args: dict[str, Any], cursor: str) -> str:
    kept = {name: value for name, value in args.items() if name != "after"}
    return public_url(endpoint, **kept, after=cursor)


@bp.get("/products")
@bp.arguments(schemas.CatalogArgs, location="query")
@bp.response(200, schemas.ProductList)
@bp.doc(**_example("/api/v1/products?subsector=kriya&sort=price_asc&lang=de&currency=EUR"))
def products(args: dict[str, Any]) -> dict[str, Any]:
    """The catalog.

    With the filters and sort orders of the /catalog page (see /catalog/filters)."""
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
    locale, rate = _locale(args), _rate(args)
    return {
        "items": [payloads.product_summary(row[0], locale, rate) for row in rows[:size]],
        "next": next_url,
        "count": min(total, COUNT_CAP),
        "more_than_count": total > COUNT_CAP,
    }


@bp.get("/catalog/filters")
@bp.arguments(schemas.LanguageArgs, location="query")
@bp.response(200, schemas.CatalogFilterList)
@bp.doc(**_example("/api/v1/catalog/filters?lang=fr"))
def filters(args: dict[str, Any]) -> dict[str, Any]:
    """The catalog's filters and sort orders, as data.

    The arguments of /products and /search that narrow or order them, with the values each
    takes and their labels in the language asked (those of the /catalog page's filter
    panel), the page sizes, the languages, and the currencies with the rate in force today."""
    return catalog_filters.filter_list(_locale(args), bandung_today())


def _search_scope(terms: Sequence[Term]) -> str:
    """A search cursor belongs to the words it was made for."""
    return "api-search:" + hashlib.sha256(typed(terms).encode()).hexdigest()[:16]


@bp.get("/search")
@bp.arguments(schemas.SearchArgs, location="query")
@bp.response(200, schemas.SearchResults)
@bp.doc(**_example("/api/v1/search?q=bamboo+lamp&lang=ko&currency=KRW"))
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Full-text search, best match first, with the catalog's filters.

    Over product texts in every language. Words are matched as prefixes, Chinese and Korean
    words also inside longer words; anything but words is ignored. A misspelt word gets a
    suggestion."""
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
    locale, rate = _locale(args), _rate(args)
    suggestion = suggest(db.session.connection(), terms)
    return {
        "items": [payloads.product_summary(row[0], locale, rate) for row in rows[:size]],
        "next": next_url,
        "count": min(total, CANDIDATE_CAP),
        "more_than_count": total > CANDIDATE_CAP,
        "suggestion": suggestion.query if suggestion else None,
    }


def _public_channels(product_id: int) -> list[Channel]:
    rows = db.session.execute(channel_queries.accepted_channels([product_id]))
    return [c for _id, c in rows if c.status in channel_queries.PUBLIC_STATUSES]


def _not_found(what: str) -> dict[str, Any]:
    return {
        "schema": schemas.ProblemSchema,
        "content_type": PROBLEM_JSON,
        "description": f"No public {what} has this slug.",
    }


@bp.get("/products/<slug>", parameters=_slug("product", "bamboo-pendant-lamp-lengkung"))
@bp.arguments(schemas.CurrencyArgs, location="query")
@bp.response(200, schemas.ProductDetail)
@bp.alt_response(404, **_not_found("product"))
@bp.doc(**_example("/api/v1/products/bamboo-pendant-lamp-lengkung?lang=de&currency=EUR"))
def product(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """One product, as its page shows it.

    Its texts in every language, photos, export facts (minimum order, lead time, capacity, HS
    code, certifications, the maker's export experience and markets) and the public channels
    that show it."""
    if schemas.SLUG.match(slug) is None:
        api_abort(404, NOT_FOUND % "product")
    found = db.session.scalars(product_queries.public_product(slug)).first()
    if found is None:
        api_abort(404, NOT_FOUND % "product")
    return payloads.product_detail(found, _locale(args), _public_channels(found.id), _rate(args))


@bp.get("/channels")
@bp.response(200, schemas.ChannelList)
@bp.doc(**_example("/api/v1/channels"))
def channels() -> dict[str, Any]:
    """The public channels.

    Open and closed channels first (editions of a series together), then past ones."""
    listed = db.session.scalars(channel_queries.listed_channels()).all()
    past = db.session.scalars(
        channel_queries.past_channels().options(selectinload(Channel.partner_city))
    ).all()
    return {"items": [payloads.channel_summary(c) for c in [*listed, *past]]}


@bp.get("/channels/<slug>", parameters=_slug("channel", "little-bandung"))
@bp.arguments(schemas.CurrencyArgs, location="query")
@bp.response(200, schemas.ChannelDetail)
@bp.alt_response(404, **_not_found("channel"))
@bp.doc(**_example("/api/v1/channels/little-bandung?lang=ko"))
def channel(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """A channel and its current line-up.

    The products a visitor finds there, by shelf: each with its photo, maker, price in rupiah
    and in the currency asked (by default the channel's, as on its page) and the link to its
    page through the channel; and the address of the embeddable line-up for a partner's
    website (`embed`), in the language and currency asked."""
    if schemas.SLUG.match(slug) is None:
        api_abort(404, NOT_FOUND % "channel")
    found = db.session.execute(channel_queries.public_channel(), {"slug": slug}).scalar()
    if found is None:
        api_abort(404, NOT_FOUND % "channel")
    nominations = db.session.scalars(channel_queries.lineup(found.id)).unique().all()
    embed = {
        "lang": args.get("lang") or found.locale,
        "currency": args.get("currency") or found.currency,
    }
    return payloads.channel_detail(
        found, nominations, _locale(args), _rate(args, found.currency), embed
    )


@bp.get("/partners")
@bp.response(200, schemas.PartnerList)
@bp.doc(**_example("/api/v1/partners"))
def partners() -> dict[str, Any]:
    """The partner (sister) cities.

    With their public channels, how many MSMEs take part and how many products are shown."""
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


MSME_ORDER = Sort(Business.id, Business.id, False, "int")  # oldest first: new ones come last


def _msme_conditions(args: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    export = args.get("export")
    wanted = catalog.CatalogFilters(export=ExportExperience(export) if export else None)
    found = catalog.business_conditions(wanted)
    if args.get("subsector"):
        found.append(Business.subsector_code == args["subsector"])
    return found


def _profiles(query: sa.Select[Business]) -> sa.Select[Business]:
    return business_queries.with_details(query).options(selectinload(Business.translations))


def _product_counts(ids: list[int]) -> dict[int, int]:
    counted = (
        product_queries.visible_products()
        .with_only_columns(Product.business_id, sa.func.count(Product.id))
        .where(Product.business_id.in_(ids))
        .group_by(Product.business_id)
    )
    return {row[0]: row[1] for row in db.session.execute(counted)}


@bp.get("/msmes")
@bp.arguments(schemas.MsmeListArgs, location="query")
@bp.response(200, schemas.MsmeList)
@bp.doc(**_example("/api/v1/msmes?subsector=kriya&export=indirect&lang=id"))
def msmes(args: dict[str, Any]) -> dict[str, Any]:
    """The verified MSMEs, oldest first.

    Those with a public page, with their public profiles and how many public products each
    has."""
    size = int(args.get("per_page") or DEFAULT_PER_PAGE)
    after = _cursor("msmes", args)
    conditions = _msme_conditions(args)
    query = business_queries.visible_businesses().where(*conditions)
    if after is not None:
        query = query.where(keyset_after(MSME_ORDER, after))
    found = db.session.scalars(
        _profiles(query).order_by(*MSME_ORDER.order_by()).limit(size + 1)
    ).all()
    total = db.session.scalar(
        business_queries.visible_businesses()
        .where(*conditions)
        .with_only_columns(sa.func.count(Business.id))
    )
    page = list(found[:size])
    next_url = None
    if len(found) > size:
        last = page[-1].id
        next_url = _next_url(".msmes", args, encode_cursor(_secret(), "msmes", last, last))
    counts = _product_counts([business.id for business in page])
    locale = _locale(args)
    return {
        "items": [payloads.msme_summary(b, locale, counts.get(b.id, 0)) for b in page],
        "next": next_url,
        "count": total or 0,
    }


def _msme(slug: str) -> Business:
    """The public business of `slug`, as its page finds it, with its profile loaded."""
    if schemas.SLUG.match(slug) is None:
        api_abort(404, NOT_FOUND % "MSME")
    query = _profiles(business_queries.public_business_alone())
    found = db.session.execute(query, {"slug": slug}).scalar()
    if found is None:
        api_abort(404, NOT_FOUND % "MSME")
    return found


PRODUCTS_ORDER = catalog.catalog_sort(catalog.SortOrder.NEWEST)  # as its page lists them


def _lineup(business: Business, args: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """A page of the business's public products, newest first (the page's own select)."""
    size = int(args.get("per_page") or DEFAULT_PER_PAGE)
    scope = f"msme-products:{business.id}"
    after = _cursor(scope, args, "datetime")
    query = product_queries.products_of_business(business.id)
    if after is not None:
        query = query.where(keyset_after(PRODUCTS_ORDER, after))
    rows = db.session.scalars(query.limit(size + 1)).all()
    total = (
        db.session.scalar(
            product_queries.visible_products()
            .where(Product.business_id == business.id)
            .with_only_columns(sa.func.count(Product.id))
        )
        or 0
    )
    next_url = None
    if len(rows) > size:
        last = rows[size - 1]
        assert last.published_at is not None  # a public product has been published
        cursor = encode_cursor(_secret(), scope, last.published_at, last.id)
        kept = {name: value for name, value in args.items() if name != "after"}
        next_url = public_url(endpoint, slug=business.slug, **kept, after=cursor)
    locale, rate = _locale(args), _rate(args)
    return {
        "items": [payloads.product_summary(p, locale, rate) for p in rows[:size]],
        "next": next_url,
        "count": min(total, COUNT_CAP),
        "more_than_count": total > COUNT_CAP,
    }


@bp.get("/msmes/<slug>", parameters=_slug("MSME", "awi-kriya-bandung"))
@bp.arguments(schemas.CurrencyArgs, location="query")
@bp.response(200, schemas.MsmeDetail)
@bp.alt_response(404, **_not_found("MSME"))
@bp.doc(**_example("/api/v1/msmes/awi-kriya-bandung?lang=de&currency=EUR"))
def msme(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """A verified MSME and its products.

    Its public profile (as its page shows it, without its contact) and the first page of its
    public products, newest first."""
    business = _msme(slug)
    lineup = _lineup(business, {**args, "after": None}, "api.msme_products")
    locale = _locale(args)
    return payloads.msme_detail(business, locale, lineup["count"], lineup)


@bp.get("/msmes/<slug>/products", parameters=_slug("MSME", "awi-kriya-bandung"))
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.ProductList)
@bp.alt_response(404, **_not_found("MSME"))
@bp.doc(**_example("/api/v1/msmes/awi-kriya-bandung/products?per_page=5"))
def msme_products(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """An MSME's public products, newest first, a page at a time."""
    return _lineup(_msme(slug), args, "api.msme_products")
