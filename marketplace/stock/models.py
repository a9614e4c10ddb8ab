"""The stock ledger of accepted products at a channel: every movement of pieces between the
MSME, the way there and the showroom or stand, and the shipments that carry them.

The ledger is the record; a nomination's totals (`Nomination.quantity_*`) are kept from it in
the transaction of each movement, and the database refuses totals that do not add up.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.businesses.models import Business
    from marketplace.channels.models import Channel, Nomination


class MovementKind(enum.StrEnum):
    SHIPPED = "shipped"  # sent by the MSME (or the office) towards the channel
    RECEIVED = "received"  # arrived at the showroom or stand
    SHELVED = "shelved"  # put on a shelf or the stand's table, under a shelf code
    SOLD = "sold"
    RETURNED = "returned"  # sent back to the MSME
    DAMAGED = "damaged"
    LOST = "lost"
    UNSOLD = "unsold"  # a sale corrected: its pieces are back in stock


class Shipment(Base):
    """One consignment of one MSME's products to one channel, with its packing list."""

    __tablename__ = "shipments"

    id: Mapped[intpk]
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    shipped_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]

    channel: Mapped[Channel] = relationship()
    business: Mapped[Business] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    movements: Mapped[list[StockMovement]] = relationship(
        back_populates="shipment", order_by="StockMovement.id"
    )

    @property
    def reference(self) -> str:
        """What the packing list and the boxes carry: the year shipped and the number."""
        return f"{self.shipped_on.year}-{self.id:05d}"


class StockMovement(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.Index("ix_stock_movements_nomination_moved", "nomination_id", "moved_on"),
    )

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"))
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind, "kind"))
    quantity: Mapped[int]
    # The day at the channel (its own time zone) when the pieces moved.
    moved_on: Mapped[date]
    shelf_code: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sales.id"), index=True)
    # None only for the totals an officer kept before the ledger existed.
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]

    nomination: Mapped[Nomination] = relationship()
    shipment: Mapped[Shipment | None] = relationship(back_populates="movements")
    sale: Mapped[Sale | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Sale(Base):
    """Pieces sold at the channel in its currency, and their worth in rupiah at the office's
    rate in force on the day of the sale (kept here: a rate set later changes nothing).

    A correction is a sale of its own with the opposite quantity, dated the day it is made and
    pointing at the sale it corrects: a settled period is never changed after the fact."""

    __tablename__ = "sales"
    __table_args__ = (
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.CheckConstraint("unit_price >= 0", name="price_not_negative"),
        sa.CheckConstraint("idr_per_unit > 0", name="rate_positive"),
        sa.Index("ix_sales_nomination_sold", "nomination_id", "sold_on"),
    )

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    idr_per_unit: Mapped[Decimal] = mapped_column(sa.Numeric(18, 6))
    # The day the rate used took effect (none for sales in rupiah).
    rate_on: Mapped[date | None]
    gross_idr: Mapped[int] = mapped_column(sa.BigInteger)
    sold_on: Mapped[date]
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sales.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]

    nomination: Mapped[Nomination] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def gross(self) -> Decimal:
        return self.unit_price * self.quantity


class SettlementStatus(enum.StrEnum):
    ISSUED = "issued"
    PAID = "paid"


class Settlement(Base):
    """One MSME's statement for one period at one channel, its figures fixed when issued."""

    __tablename__ = "settlements"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "business_id", "period_start"),
        sa.CheckConstraint("period_end >= period_start", name="period_in_order"),
    )

    id: Mapped[intpk]
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("channels.id"))
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    currency: Mapped[str] = mapped_column(sa.String(3))
    commission_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    units_sold: Mapped[int]
    gross_local: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    gross_idr: Mapped[int] = mapped_column(sa.BigInteger)
    commission_idr: Mapped[int] = mapped_column(sa.BigInteger)
    net_idr: Mapped[int] = mapped_column(sa.BigInteger)
    units_returned: Mapped[int]
    units_on_hand: Mapped[int]
    status: Mapped[SettlementStatus] = mapped_column(
        str_enum(SettlementStatus, "status"), default=SettlementStatus.ISSUED
    )
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[created_at]
    paid_on: Mapped[date | None]
    paid_reference: Mapped[str | None] = mapped_column(sa.String(120))
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    channel: Mapped[Channel] = relationship()
    business: Mapped[Business] = relationship()
