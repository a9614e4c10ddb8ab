"""The catalog's selects: filters, sort orders, keyset pages and counts over visible products.

Every filter is a condition on the product row (IN or EXISTS for what lives in other
tables), so the filters combine freely with each other and with a full-text search.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from marketplace.businesses.models import Business, BusinessCertification, ExportExperience
from marketplace.catalog.pagination import KeyValue, Sort, keyset_after, keyset_parts
from marketplace.channels.models import Channel, ChannelStatus, Nomination, NominationStatus
from marketplace.channels.queries import on_show
from marketplace.db import Likely, db
from marketplace.products.models import Product, ProductStatus, product_certification
from marketplace.products.queries import visible_products, visible_products_checked
from marketplace.reference.models import Certification, PartnerCity, Subsector
from marketplace.search.popularity import POPULARITY

PRICE_RANGE_KEEPS = 0.9  # the share of products a bound of a price range is taken to keep

# "At least" this much export experience.
EXPORT_LEVELS = {
    ExportExperience.INDIRECT: (ExportExperience.INDIRECT, ExportExperience.DIRECT),
    ExportExperience.DIRECT: (ExportExperience.DIRECT,),
}


class SortOrder(enum.StrEnum):
    NEWEST = "newest"
    PRICE_LOW = "price_asc"
    PRICE_HIGH = "price_desc"
    INTEREST = "interest"


@dataclass(frozen=True)
class CatalogFilters:
    """What a buyer narrowed the catalog to; None means "any". A product whose value is not
    stated (no price, no lead time) does not meet a filter on that value."""

    subsector: str | None = None
    channel: str | None = None  # channel slug: products the channel has accepted
    city: int | None = None  # partner city id: products accepted by any of its channels
    certification: str | None = None  # certification code, held and not expired
    min_price: int | None = None
    max_price: int | None = None
    max_moq: int | None = None
    max_lead_days: int | None = None
    export: ExportExperience | None = None  # at least this much (indirect or direct)


# A line-up filter (a channel's, a partner city's) is checked one of two ways. While the line-up
# is small beside the catalog (a showroom's shelves: some hundreds), the database reads it and
# sorts it (IN). Once it is a large share of the catalog, a page walks the catalog in its order
# and checks each product's nomination (a correlated EXISTS), which finds a page of `n` after
# about n x catalog / line-up products. The walk is taken when line-up² > WALK_FROM x catalog,
# where reading the line-up would cost more than walking (bench/RESULTS.md, 1,000,000 products).
WALK_FROM = 50
SIZES_SECONDS = 600


@dataclass(frozen=True)
class LineUpSizes:
    """How many products the catalog and each line-up hold, for choosing how a page checks a
    line-up filter (`walks_line_ups`); estimates: a product in two line-ups of one city counts
    twice."""

    products: int
    channels: dict[str, int]
    cities: dict[int, int]


_sizes: dict[str, tuple[float, LineUpSizes]] = {}  # per database


def line_up_sizes() -> LineUpSizes:
    """Counted at most every SIZES_SECONDS in each process: a size older than that chooses a
    slower way to the same rows at worst."""
    database, now = str(db.engine.url), time.monotonic()
    found = _sizes.get(database)
    if found is None or now - found[0] >= SIZES_SECONDS:
        found = _sizes[database] = (now, _count_line_ups())
    return found[1]


def _count_line_ups() -> LineUpSizes:
    products = db.session.scalar(
        sa.select(sa.func.count()).where(Product.status == ProductStatus.PUBLISHED)
    )
    rows = db.session.execute(
        sa.select(Channel.slug, Channel.partner_city_id, sa.func.count())
        .join(Nomination.channel)
        .where(Nomination.status == NominationStatus.ACCEPTED)
        .group_by(Channel.id)
    ).all()
    cities: dict[int, int] = {}
    for _slug, city, size in rows:
        if city is not None:
            cities[city] = cities.get(city, 0) + size
    return LineUpSizes(products or 0, {slug: size for slug, _city, size in rows}, cities)


def walks_line_ups(filters: CatalogFilters) -> bool:
    """Whether a page checks `filters`' line-up by walking the catalog (see WALK_FROM)."""
    if not filters.channel and filters.city is None:
        return False
    sizes = line_up_sizes()
    line_up = sizes.channels.get(filters.channel, 0) if filters.channel else sizes.products
    if filters.city is not None:
        line_up = min(line_up, sizes.cities.get(filters.city, 0))
    return line_up * line_up > WALK_FROM * sizes.products


@dataclass(frozen=True)
class Members:
    """Products a filter asks a product to be among (a line-up, a certificate's products): the
    select of their ids, its product id column, and whether it is a line-up (read whole for a
    page while small, see WALK_FROM; a certificate's products are checked for a page)."""

    ids: sa.Select[int]
    product_id: sa.ColumnElement[int] | QueryableAttribute[int]
    line_up: bool

    def read_whole(self) -> sa.ColumnElement[bool]:
        return Product.id.in_(self.ids)

    def checked(self) -> sa.ColumnElement[bool]:
        """Checked for each product, as a page walking the catalog reads it."""
        return self.ids.where(self.product_id == Product.id).correlate(Product).exists()


def _line_up(*conditions: sa.ColumnElement[bool]) -> Members:
    """The line-ups of the channels meeting `conditions` (accepted, not returned: see
    `channels.queries.on_show`)."""
    ids = sa.select(Nomination.product_id).join(Nomination.channel).where(on_show(), *conditions)
    return Members(ids, Nomination.product_id, line_up=True)


def _certified(code: str, today: date) -> Members:
    """The products whose business holds certificate `code`, not expired."""
    ids = (
        sa.select(product_certification.c.product_id)
        .join(
            BusinessCertification,
            BusinessCertification.id == product_certification.c.business_certification_id,
        )
        .where(
            BusinessCertification.certification_code == code,
            sa.or_(
                BusinessCertification.expires_on.is_(None),
                BusinessCertification.expires_on >= today,
            ),
        )
    )
    return Members(ids, product_certification.c.product_id, line_up=False)


def business_conditions(filters: CatalogFilters) -> list[sa.ColumnElement[bool]]:
    """The conditions of `filters` on the product's Business."""
    if filters.export in EXPORT_LEVELS:
        return [Business.export_experience.in_(EXPORT_LEVELS[filters.export])]
    return []


def filter_conditions(
    filters: CatalogFilters, today: date, *, counting: bool = False
) -> list[sa.ColumnElement[bool]]:
    """Conditions on Product and its Business, for a query that joins the business (as
    `visible_products()` does)."""
    return product_conditions(filters, today, counting=counting) + business_conditions(filters)


def product_conditions(
    filters: CatalogFilters,
    today: date,
    *,
    counting: bool = False,
    walk: bool = False,
    members: bool = True,
) -> list[sa.ColumnElement[bool]]:
    """The conditions of `filters` on the Product row.

    A page walks a sort index and checks each product, so a broad filter (a certification
    covers many products) is a correlated EXISTS; a count visits every match anyway, so with
    `counting` the database may start from the certified products instead (IN). A line-up
    filter is read whole unless `walk` (see WALK_FROM). Without `members`, the line-ups and
    certificates are left to the caller (`catalog_count` joins them).
    """
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.subsector:
        conditions.append(Product.subsector_code == filters.subsector)
    if members:
        for member in _memberships(filters, today):
            checked = walk if member.line_up else not counting
            conditions.append(member.checked() if checked else member.read_whole())
    # A buyer's price range usually keeps much of the catalog: said so to SQLite's planner,
    # which would otherwise read the whole range by price and sort it for a newest-first page.
    if filters.min_price is not None:
        conditions.append(Likely(Product.price_idr >= filters.min_price, PRICE_RANGE_KEEPS))
    if filters.max_price is not None:
        conditions.append(Likely(Product.price_idr <= filters.max_price, PRICE_RANGE_KEEPS))
    if filters.max_moq is not None:
        conditions.append(Product.moq <= filters.max_moq)
    if filters.max_lead_days is not None:
        conditions.append(Product.lead_time_days <= filters.max_lead_days)
    return conditions


def _memberships(filters: CatalogFilters, today: date) -> list[Members]:
    found: list[Members] = []
    if filters.channel:
        found.append(_line_up(Channel.slug == filters.channel))
    if filters.city is not None:
        found.append(_line_up(Channel.partner_city_id == filters.city))
    if filters.certification:
        found.append(_certified(filters.certification, today))
    return found


def card_options() -> list[ExecutableOption]:
    """What a product card shows, whatever the page size: the business joined to the page
    (one per product), photos and translations in one statement each."""
    return [
        joinedload(Product.business, innerjoin=True),
        selectinload(Product.images),
        selectinload(Product.translations),
    ]


def sorted_ids(
    filters: CatalogFilters, order: SortOrder, today: date
) -> tuple[sa.Select[int, KeyValue], Sort]:
    """(id, sort value) of the visible products meeting `filters`, not yet ordered, and the
    order. Each order is served by an index that a page walks from the cursor on:
    (status, published_at, id) and (status, price_idr, id) on products, and (interests,
    product_id) on search_popularity (see search/popularity.py). A product without the value
    sorted by (which review does not let through) is left out of that order rather than put
    at an arbitrary end."""
    walk = walks_line_ups(filters)
    matching = visible_products_checked(
        *business_conditions(filters), first=product_conditions(filters, today, walk=walk)
    )
    sort = catalog_sort(order)
    if order is SortOrder.INTEREST:
        # Driven from the popularity index, each row checked against the filters: the
        # planner would otherwise count and sort every product before taking a page.
        meets = matching.with_only_columns(Product.id).where(Product.id == POPULARITY.c.product_id)
        ids = sa.select(sort.tiebreak.label("id"), sort.key.label("key")).where(meets.exists())
        return ids, sort
    ids = matching.with_only_columns(sort.tiebreak.label("id"), sort.key.label("key"))
    return ids.where(sort.key.is_not(None)), sort


def catalog_sort(order: SortOrder) -> Sort:
    """The key and tiebreak that `order` sorts by."""
    if order is SortOrder.INTEREST:
        return Sort(POPULARITY.c.interests, POPULARITY.c.product_id, True, "int")
    if order in (SortOrder.PRICE_LOW, SortOrder.PRICE_HIGH):
        return Sort(Product.price_idr, Product.id, order is SortOrder.PRICE_HIGH, "int")
    return Sort(Product.published_at, Product.id, True, "datetime")


def catalog_keys(
    filters: CatalogFilters,
    order: SortOrder,
    today: date,
    *,
    after: tuple[KeyValue, int] | None = None,
    limit: int,
) -> sa.Select[int, KeyValue]:
    """One page: (product id, its sort value) after the (sort value, id) of the previous page's
    last row. Keyset, never OFFSET: a deep page costs what the first does, and products
    added meanwhile neither repeat nor push rows past the reader. Sorting is done on these
    narrow rows: it never carries descriptions around."""
    page, chosen = _page(filters, order, today, after, limit)
    return sa.select(page.c.id, page.c.key).order_by(*chosen.order_by())


def catalog_page(
    filters: CatalogFilters,
    order: SortOrder,
    today: date,
    *,
    after: tuple[KeyValue, int] | None = None,
    limit: int,
) -> sa.Select[Product, KeyValue]:
    """The page of `catalog_keys` as (product, its sort value), the products read with what
    their cards show."""
    page, chosen = _page(filters, order, today, after, limit)
    return (
        sa.select(Product, page.c.key)
        .join(page, page.c.id == Product.id)
        .order_by(*chosen.order_by())
        .options(*card_options())
    )


def _page(
    filters: CatalogFilters,
    order: SortOrder,
    today: date,
    after: tuple[KeyValue, int] | None,
    limit: int,
) -> tuple[sa.Subquery, Sort]:
    ids, sort = sorted_ids(filters, order, today)
    if after is not None and db.engine.dialect.name == "sqlite":
        # SQLite seeks on the key alone for `(key, id) < (value, id)` and then reads every row
        # that ties with it (most products tie at zero interests). So the page's rows are
        # taken among the ties of the last value, then beyond it: each part seeks and stops
        # after `limit` rows, and at most twice `limit` narrow rows are sorted. PostgreSQL
        # seeks on the row value itself (and, given the parts, would merge-join the ties
        # with every product in id order).
        parts = [
            ids.where(condition).order_by(*sort.order_by()).limit(limit).subquery()
            for condition in keyset_parts(sort, after)
        ]
        both = sa.union_all(*(sa.select(part.c.id, part.c.key) for part in parts)).subquery()
        merged = Sort(both.c.key, both.c.id, sort.descending, sort.kind)
        page = sa.select(both).order_by(*merged.order_by()).limit(limit).subquery("page")
    else:
        if after is not None:
            ids = ids.where(keyset_after(sort, after))
        page = ids.order_by(*sort.order_by()).limit(limit).subquery("page")
    return page, Sort(page.c.key, page.c.id, sort.descending, sort.kind)


def catalog_count(filters: CatalogFilters, today: date, *, cap: int) -> sa.Select[int]:
    """How many products match, counted up to `cap` + 1 (more is "more than").

    PostgreSQL stops at the cap from any side. SQLite reads a select of IN whole before the
    first row, so there the line-ups and the certificate's products are joined instead (their
    products distinct: a product in two line-ups of one city counts once) and the count stops
    at the cap however many products they hold; each product's business is checked as it
    comes (EXISTS), where a join would first read every business."""
    members = _memberships(filters, today)
    if db.engine.dialect.name != "sqlite" or not members:
        matching = visible_products().with_only_columns(Product.id)
        matching = matching.where(*filter_conditions(filters, today, counting=True))
    else:
        matching = visible_products_checked(
            *business_conditions(filters),
            first=product_conditions(filters, today, members=False),
        ).with_only_columns(Product.id)
        for member in members:
            ids = member.ids.subquery()
            matching = matching.join(ids, ids.c.product_id == Product.id)
        matching = matching.distinct()
    return sa.select(sa.func.count()).select_from(matching.limit(cap + 1).subquery())


def subsector_options() -> sa.Select[Subsector]:
    """Those whose MSMEs make exportable goods first."""
    return sa.select(Subsector).order_by(Subsector.goods.desc(), Subsector.name_en)


def certification_options() -> sa.Select[Certification]:
    return sa.select(Certification).order_by(Certification.name)


def channel_options() -> sa.Select[Channel]:
    """The channels a visitor can see (open ones, and closed ones whose line-up stays)."""
    public = (ChannelStatus.OPEN, ChannelStatus.CLOSED)
    return sa.select(Channel).where(Channel.status.in_(public)).order_by(Channel.name)


def city_options() -> sa.Select[int, str]:
    return sa.select(PartnerCity.id, PartnerCity.name).order_by(PartnerCity.name)
