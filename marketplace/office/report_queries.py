"""The outcome reports' queries: every figure is counted, summed or found by the database; Python
receives one row per group (or, for a median, the middle value or two).

What each figure counts, for a period (Bandung calendar days) and a grouping:

- products shown: products accepted into a channel's line-up by the end of the period and still
  in it, in a channel that had not ended before the period began; MSMEs taking part: the
  businesses of those products;
- QR scans: openings of a printed shelf tag in the period;
- product views: openings of a product's public page in the period, credited to the channel
  the visit came through, if any;
- scans and views count once per visitor per day (and, for views, per channel the visit came
  through), known bots never (`marketplace.counting`): the rows and daily sums read here hold
  only counted visits;
- interests: interests that arrived in the period, spam excluded. Replies, the 48-hour share,
  the median first-reply time, deals won and their value belong to those interests, whenever
  the reply or the deal happened (a cohort: the funnel views > interests > replies > won
  narrows).

Groupings: a partner city takes what happened through its channels; a channel what happened
through it (interests and views with no channel form a "direct" group); a subsector what
happened to its products; a buyer country takes interests by the buyer's country and shelf
figures (products shown, scans, views) by the country of the channel where they happened, as
visitors there are not identified.

- sold at the channels: pieces sold at showrooms and stands in the period (by the day at the
  channel), corrections counted against them, and their worth in rupiah at the rate of each
  sale's day (`marketplace.stock`); grouped by where they were sold (a country: the channel's);
- stock at the channels: pieces on hand now per channel, and how long the products with pieces
  there have been there since their first arrival.

Interest figures and views come from the daily sums and per-interest facts kept by `rollups`;
products shown, scans and sales are counted from their own rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from marketplace.businesses.models import Business
from marketplace.channels.models import Channel, Nomination, NominationStatus, Scan
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.office.models import Grouping, InterestFact, ReportDay
from marketplace.periods import Period
from marketplace.products.models import Product
from marketplace.stock.models import MovementKind, Sale, StockMovement

# A select of any number of columns of any type.
Rows = sa.Select[*tuple[Any, ...]]

FACT_KEYS: dict[Grouping, Any] = {
    Grouping.PARTNER: InterestFact.partner_city_id,
    Grouping.CHANNEL: InterestFact.channel_id,
    Grouping.SUBSECTOR: InterestFact.subsector_code,
    Grouping.COUNTRY: InterestFact.buyer_country,
}


def _shelf_key(grouping: Grouping, channel_id: Any) -> Any:
    """The group of a fact that happened in a channel (shown, scanned)."""
    return {
        Grouping.PARTNER: Channel.partner_city_id,
        Grouping.CHANNEL: channel_id,
        Grouping.SUBSECTOR: Product.subsector_code,
        Grouping.COUNTRY: Channel.country_code,
    }[grouping]


def shown(period: Period, grouping: Grouping | None, partner_id: int | None = None) -> Rows:
    """(MSMEs taking part, products shown[, key]); one row without a grouping."""
    query: Rows = (
        sa.select(
            sa.func.count(sa.distinct(Product.business_id)),
            sa.func.count(sa.distinct(Nomination.product_id)),
        )
        .select_from(Nomination)
        .join(Channel, Channel.id == Nomination.channel_id)
        .join(Product, Product.id == Nomination.product_id)
        .where(
            Nomination.status == NominationStatus.ACCEPTED,
            Nomination.decided_at < period.end,
            sa.or_(Channel.ends_on.is_(None), Channel.ends_on >= period.first),
        )
    )
    if partner_id is not None:
        query = query.where(Channel.partner_city_id == partner_id)
    if grouping is None:
        return query
    key = _shelf_key(grouping, Nomination.channel_id)
    return query.add_columns(key).group_by(key)


def scans(period: Period, grouping: Grouping, partner_id: int | None = None) -> Rows:
    """(QR scans, key)."""
    key = _shelf_key(grouping, Scan.channel_id)
    query = (
        sa.select(sa.func.count(Scan.id), key)
        .select_from(Scan)
        .join(Channel, Channel.id == Scan.channel_id)
        .where(Scan.scanned_at >= period.start, Scan.scanned_at < period.end)
        .group_by(key)
    )
    if grouping == Grouping.SUBSECTOR:
        query = query.join(Product, Product.id == Scan.product_id)
    if partner_id is not None:
        query = query.where(Channel.partner_city_id == partner_id)
    return query


def sales(period: Period, grouping: Grouping, partner_id: int | None = None) -> Rows:
    """(pieces sold, their worth in IDR, key)."""
    key = _shelf_key(grouping, Nomination.channel_id)
    query = (
        sa.select(sa.func.sum(Sale.quantity), sa.func.sum(Sale.gross_idr), key)
        .select_from(Sale)
        .join(Nomination, Nomination.id == Sale.nomination_id)
        .join(Channel, Channel.id == Nomination.channel_id)
        .join(Product, Product.id == Nomination.product_id)
        .where(Sale.sold_on.between(period.first, period.last))
        .group_by(key)
    )
    if partner_id is not None:
        query = query.where(Channel.partner_city_id == partner_id)
    return query


def district_interests(period: Period) -> Rows:
    """(the MSME's district, interests, deals won, their value in IDR) of the interests that
    arrived in the period, spam excluded, per Bandung district of the business."""
    won = Interest.status == InterestStatus.WON
    return (
        sa.select(
            Business.district,
            sa.func.count(Interest.id),
            sa.func.sum(sa.case((won, 1), else_=0)),
            sa.func.sum(sa.case((won, sa.func.coalesce(Interest.won_value_idr, 0)), else_=0)),
        )
        .join(Product, Product.id == Interest.product_id)
        .join(Business, Business.id == Product.business_id)
        .where(
            Interest.status != InterestStatus.SPAM,
            Interest.created_at >= period.start,
            Interest.created_at < period.end,
        )
        .group_by(Business.district)
    )


def district_sales(period: Period) -> Rows:
    """(the MSME's district, pieces sold at the channels, their worth in IDR)."""
    return (
        sa.select(Business.district, sa.func.sum(Sale.quantity), sa.func.sum(Sale.gross_idr))
        .join(Nomination, Nomination.id == Sale.nomination_id)
        .join(Product, Product.id == Nomination.product_id)
        .join(Business, Business.id == Product.business_id)
        .where(Sale.sold_on.between(period.first, period.last))
        .group_by(Business.district)
    )


def stock_on_hand(partner_id: int | None = None) -> Rows:
    """(channel id, product's pieces on hand, the day its first pieces arrived) per product
    with pieces at a channel now."""
    on_hand = (
        Nomination.quantity_received
        - sa.func.coalesce(Nomination.quantity_sold, 0)
        - Nomination.quantity_returned
        - Nomination.quantity_written_off
    )
    arrived = (
        sa.select(sa.func.min(StockMovement.moved_on))
        .where(
            StockMovement.nomination_id == Nomination.id,
            StockMovement.kind == MovementKind.RECEIVED,
        )
        .scalar_subquery()
    )
    query: Rows = (
        sa.select(Nomination.channel_id, on_hand, arrived)
        .join(Channel, Channel.id == Nomination.channel_id)
        .where(Nomination.status == NominationStatus.ACCEPTED, on_hand > 0)
        .order_by(Nomination.channel_id)
    )
    if partner_id is not None:
        query = query.where(Channel.partner_city_id == partner_id)
    return query


def _in_period(period: Period) -> sa.ColumnElement[bool]:
    return ReportDay.day.between(period.first, period.last)


def day_sums(period: Period, grouping: Grouping, keys: Iterable[str] | None = None) -> Rows:
    """(key, views, interests, replies, answered within 48 h, deals, value in IDR) per group;
    `keys` limits the groups (as text, "" for none)."""
    query: Rows = (
        sa.select(
            ReportDay.group_key,
            sa.func.sum(ReportDay.views),
            sa.func.sum(ReportDay.interests),
            sa.func.sum(ReportDay.replies),
            sa.func.sum(ReportDay.within_48h),
            sa.func.sum(ReportDay.deals),
            sa.func.sum(ReportDay.value_idr),
        )
        .where(ReportDay.dimension == grouping, _in_period(period))
        .group_by(ReportDay.group_key)
    )
    if keys is not None:
        query = query.where(ReportDay.group_key.in_(list(keys)))
    return query


def _month(column: Any) -> sa.ColumnElement[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.substr(column, 1, 7)  # SQLite keeps dates as "YYYY-MM-DD"


def months(period: Period, partner_id: int | None = None) -> Rows:
    """(month "YYYY-MM", interests, deals) per month with any, in order. Interests count in the
    month they arrived (in Bandung); a deal in the month of its interest."""
    month = _month(ReportDay.day)
    # Every interest has exactly one channel key ("" for direct): those sums cover them all.
    grouping = Grouping.PARTNER if partner_id is not None else Grouping.CHANNEL
    query: Rows = (
        sa.select(month, sa.func.sum(ReportDay.interests), sa.func.sum(ReportDay.deals))
        .where(ReportDay.dimension == grouping, _in_period(period))
        .group_by(month)
        .order_by(month)
    )
    if partner_id is not None:
        query = query.where(ReportDay.group_key == str(partner_id))
    return query


def median_reply(
    period: Period, answered: int, grouping: Grouping | None = None, key: Any = None
) -> sa.Select[tuple[Any]]:
    """The median microseconds to the first reply of the answered interests of one group
    (all groups when `grouping` is None), `answered` being how many there are.

    An index holds the facts in order of reply time per group, so the database steps to the
    middle one (or two, for an even count, whose mean is the median) without sorting.
    """
    middle = sa.select(InterestFact.reply_us).where(
        InterestFact.reply_us.is_not(None),
        InterestFact.arrived_on.between(period.first, period.last),
    )
    if grouping is not None:
        column = FACT_KEYS[grouping]
        middle = middle.where(column.is_(None) if key is None else column == key)
    walk = (
        middle.order_by(InterestFact.reply_us)
        .offset((answered - 1) // 2)
        .limit(1 if answered % 2 else 2)
        .subquery()
    )
    return sa.select(sa.func.avg(walk.c.reply_us))
