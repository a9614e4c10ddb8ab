"""The promotion channels that grew out of the sister cities, and products nominated to them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum, updated_at

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.products.models import Product
    from marketplace.reference.models import PartnerCity


class ChannelKind(enum.StrEnum):
    SHOWROOM = "showroom"
    TRADE_FAIR = "trade_fair"
    FESTIVAL = "festival"
    EXCHANGE = "exchange"


class ChannelStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class NominationStatus(enum.StrEnum):
    NOMINATED = "nominated"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ShelfStage(enum.StrEnum):
    """Where an accepted product's stock at the channel stands, as its stock ledger leaves it
    (`marketplace.stock`): nothing shipped yet, on its way, pieces at the channel, or none
    left there because the last ones were sold, sent back, or damaged or lost."""

    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    ON_SHELF = "on_shelf"
    SOLD_OUT = "sold_out"
    RETURNED = "returned"
    WRITTEN_OFF = "written_off"


# Stages in which nothing of the product is left at the channel: it leaves the public line-up.
GONE_STAGES = (ShelfStage.SOLD_OUT, ShelfStage.RETURNED, ShelfStage.WRITTEN_OFF)


class ViewKind(enum.StrEnum):
    """What a counted view opened: a channel's page, its printed catalog, or a product from it."""

    PAGE = "page"
    CATALOG = "catalog"
    PRODUCT = "product"


channel_coordinator = sa.Table(
    "channel_coordinators",
    Base.metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"
        ),
        sa.CheckConstraint(
            "applications_close_on IS NULL OR applications_open_on IS NULL"
            " OR applications_close_on >= applications_open_on",
            name="window_in_order",
        ),
        sa.CheckConstraint(
            "commission_percent >= 0 AND commission_percent <= 100", name="commission_range"
        ),
        sa.CheckConstraint("settlement_months IN (1, 3, 6, 12)", name="settlement_period"),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    # Editions of a recurring fair share a series name ("Harz und Heide").
    series: Mapped[str | None] = mapped_column(sa.String(160))
    kind: Mapped[ChannelKind] = mapped_column(str_enum(ChannelKind, "kind"))
    city: Mapped[str] = mapped_column(sa.String(120))
    country_code: Mapped[str] = mapped_column(sa.String(2))
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    partner_city_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_cities.id"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    applications_open_on: Mapped[date | None]
    applications_close_on: Mapped[date | None]
    capacity: Mapped[int | None]
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")
    # Consignment terms: the showroom's or stand's share of what it sells, and how many months
    # one settlement statement covers (calendar months at the channel).
    commission_percent: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), default=Decimal(0), server_default="0"
    )
    settlement_months: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[ChannelStatus] = mapped_column(
        str_enum(ChannelStatus, "status"), default=ChannelStatus.DRAFT, index=True
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    partner_city: Mapped[PartnerCity | None] = relationship(back_populates="channels")
    nominations: Mapped[list[Nomination]] = relationship(back_populates="channel")
    coordinators: Mapped[list[User]] = relationship(secondary=channel_coordinator)

    @property
    def place(self) -> str:
        """Where the channel is, each name once: the venue, then the city unless the venue
        already names it ("Hongdae, Seoul", not "Seoul, Hongdae, Seoul")."""
        venue, city = (self.venue or "").strip(), self.city.strip()
        if not venue:
            return city
        if city.casefold() in venue.casefold():
            return venue
        return f"{venue}, {city}"


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        sa.CheckConstraint(
            "quantity_shipped IS NULL OR quantity_shipped >= 0", name="shipped_not_negative"
        ),
        sa.CheckConstraint("quantity_sold IS NULL OR quantity_sold >= 0", name="sold_not_negative"),
        # What arrived came from what was shipped; what left the channel came from what arrived.
        sa.CheckConstraint(
            "quantity_received >= 0 AND quantity_returned >= 0 AND quantity_written_off >= 0"
            " AND quantity_received <= COALESCE(quantity_shipped, 0)"
            " AND COALESCE(quantity_sold, 0) + quantity_returned + quantity_written_off"
            " <= quantity_received",
            name="stock_adds_up",
        ),
        sa.Index("ix_nominations_channel_status", "channel_id", "status"),
    )

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    status: Mapped[NominationStatus] = mapped_column(
        str_enum(NominationStatus, "status"), default=NominationStatus.NOMINATED
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    shelf_code: Mapped[str | None] = mapped_column(sa.String(20))
    qr_token: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    stage: Mapped[ShelfStage | None] = mapped_column(str_enum(ShelfStage, "stage"))
    # Totals of the product's stock ledger at this channel (`marketplace.stock`), kept in the
    # transaction of each movement; none before the first one.
    quantity_shipped: Mapped[int | None]
    quantity_sold: Mapped[int | None]
    quantity_received: Mapped[int] = mapped_column(default=0, server_default="0")
    quantity_returned: Mapped[int] = mapped_column(default=0, server_default="0")
    quantity_written_off: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    product: Mapped[Product] = relationship()
    channel: Mapped[Channel] = relationship(back_populates="nominations")
    decided_by: Mapped[User | None] = relationship()
    scores: Mapped[list[NominationScore]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan"
    )

    @property
    def in_transit(self) -> int:
        return (self.quantity_shipped or 0) - self.quantity_received

    @property
    def on_hand(self) -> int:
        """Pieces at the channel: arrived, and not sold, sent back, damaged or lost."""
        gone = (self.quantity_sold or 0) + self.quantity_returned + self.quantity_written_off
        return self.quantity_received - gone


class NominationScore(Base):
    __tablename__ = "nomination_scores"
    __table_args__ = (
        sa.UniqueConstraint("nomination_id", "officer_id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id", ondelete="CASCADE"))
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]

    nomination: Mapped[Nomination] = relationship(back_populates="scores")


class Scan(Base):
    """One opening of a printed QR shelf tag; no personal data is kept."""

    __tablename__ = "scans"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"), index=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    scanned_at: Mapped[created_at]


class ChannelView(Base):
    """One view of a channel's page or catalog, or of a product opened from it; no personal data."""

    __tablename__ = "channel_views"

    id: Mapped[intpk]
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"), index=True)
    kind: Mapped[ViewKind] = mapped_column(str_enum(ViewKind, "kind"))
    viewed_at: Mapped[created_at]


class CatalogFile(Base):
    """A channel's printed catalog as last built by the worker (`channels.catalog_files`), for
    the data version and Bandung day it was built from: served while both are still current."""

    __tablename__ = "catalog_files"

    channel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(sa.String(60))
    file_key: Mapped[str] = mapped_column(sa.String(200))
    built_at: Mapped[created_at]
