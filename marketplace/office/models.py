"""The counts the trade office's outcome reports read: dated product views, per-interest facts,
daily sums. The audit log, the exchange rates and the reports of abuse are the ledger's
(`marketplace.ledger.models`)."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, intpk, str_enum

if TYPE_CHECKING:
    pass


class ProductViewDay(Base):
    """How often a product's public page was opened on one day (a calendar day in Bandung), and
    through which channel (none for a direct visit).

    `Product.view_count` is a running total without dates; reports over a period need dated
    views, counted here in the same request as that total. One row per product, channel and day,
    raised by an upsert, keeps the table small (about one row per product and day it was seen).
    """

    __tablename__ = "product_view_days"
    __table_args__ = (
        # A unique key treats NULLs as distinct, so the upsert keys on `channel_key` instead.
        sa.UniqueConstraint("product_id", "channel_key", "day"),
        sa.CheckConstraint("channel_key = COALESCE(channel_id, 0)", name="channel_key_matches"),
        sa.CheckConstraint("views > 0", name="views_positive"),
    )

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channels.id"))
    channel_key: Mapped[int] = mapped_column(default=0)
    day: Mapped[date] = mapped_column(index=True)
    views: Mapped[int] = mapped_column(default=1)


class Grouping(enum.StrEnum):
    """What an outcome report puts its figures per (see `office.report_queries`)."""

    PARTNER = "partner"
    CHANNEL = "channel"
    SUBSECTOR = "subsector"
    COUNTRY = "country"


# The answered interests, for the median's walk along the reply times (see `rollups`).
_ANSWERED = sa.text("reply_us IS NOT NULL")


def _median_index(name: str, *columns: str) -> sa.Index:
    return sa.Index(
        name,
        *columns,
        "reply_us",
        "arrived_on",
        sqlite_where=_ANSWERED,
        postgresql_where=_ANSWERED,
    )


class InterestFact(Base):
    """One interest as the outcome reports count it, kept in step with the interest after
    every flush (`office.rollups`); spam has no row.

    The groups it counts for (the channel's partner city, the product's subsector, the buyer's
    country) are read when the interest is written. `reply_us` is the time to the first reply in
    microseconds, so a median is found by walking an index in order instead of sorting.
    """

    __tablename__ = "interest_facts"
    __table_args__ = (
        _median_index("ix_interest_facts_reply"),
        _median_index("ix_interest_facts_partner_reply", "partner_city_id"),
        _median_index("ix_interest_facts_channel_reply", "channel_id"),
        _median_index("ix_interest_facts_subsector_reply", "subsector_code"),
        _median_index("ix_interest_facts_country_reply", "buyer_country"),
    )

    interest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interests.id", ondelete="CASCADE"), primary_key=True
    )
    arrived_on: Mapped[date]
    channel_id: Mapped[int | None]
    partner_city_id: Mapped[int | None]
    subsector_code: Mapped[str | None] = mapped_column(sa.String(40))
    buyer_country: Mapped[str | None] = mapped_column(sa.String(2))
    reply_us: Mapped[int | None] = mapped_column(sa.BigInteger)
    won: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    value_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ReportDay(Base):
    """A day's sums for one group of one grouping: what the outcome reports add up.

    `group_key` is the group's id or code as text ("" for none: a direct visit, an unknown
    country). Views are added as they are counted; interest figures are added and taken away
    as interests change, so concurrent writers never overwrite each other's counts.
    """

    __tablename__ = "report_days"

    dimension: Mapped[Grouping] = mapped_column(str_enum(Grouping, "dimension"), primary_key=True)
    group_key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    interests: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    within_48h: Mapped[int] = mapped_column(default=0)
    deals: Mapped[int] = mapped_column(default=0)
    value_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
