"""Buying requests: what a buyer needs, the MSMEs it was routed to, their quotes, the
questions asked about a quote, and the quote the buyer picked (which opened a conversation).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum, updated_at, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.businesses.models import Business
    from marketplace.interests.models import Interest
    from marketplace.products.models import Product
    from marketplace.reference.models import Certification, Subsector


class RequestStatus(enum.StrEnum):
    SCREENING = "screening"  # waiting for the office, when the office screens requests
    OPEN = "open"  # routed to the matching MSMEs; quotes until the deadline
    REJECTED = "rejected"  # by the office, with its reason
    WITHDRAWN = "withdrawn"  # by the buyer
    AWARDED = "awarded"  # the buyer picked a quote (the one whose status is "picked")


buying_request_certifications = sa.Table(
    "buying_request_certifications",
    Base.metadata,
    sa.Column(
        "request_id",
        sa.ForeignKey("buying_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("certification_code", sa.ForeignKey("certifications.code"), primary_key=True),
)


class BuyingRequest(Base):
    __tablename__ = "buying_requests"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("target_price IS NULL OR target_price > 0", name="price_positive"),
        sa.Index("ix_buying_requests_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[intpk]
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    subsector_code: Mapped[str] = mapped_column(sa.ForeignKey("subsectors.code"))
    hs_code: Mapped[str | None] = mapped_column(sa.String(10))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(sa.String(20))
    target_price: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    incoterm: Mapped[str | None] = mapped_column(sa.String(3))
    destination: Mapped[str] = mapped_column(sa.String(120))
    # The last day quotes are taken, as the buyer chose it, and the moment it ends in the
    # buyer's zone (what the rules compare with).
    deadline: Mapped[date]
    closes_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "status"), default=RequestStatus.OPEN
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    screened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # When it went out to the matching MSMEs (after screening, where the office screens).
    routed_at: Mapped[datetime | None]
    # When the buyer was told that quotes had closed (`flask close-buying-requests`).
    closed_notice_at: Mapped[datetime | None]
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    subsector: Mapped[Subsector] = relationship()
    certifications: Mapped[list[Certification]] = relationship(
        secondary=buying_request_certifications, order_by="Certification.code"
    )
    recipients: Mapped[list[RequestRecipient]] = relationship(
        back_populates="request", cascade="all, delete-orphan"
    )
    quotes: Mapped[list[Quote]] = relationship(back_populates="request", order_by="Quote.id")

    def takes_quotes(self, now: datetime | None = None) -> bool:
        return self.status == RequestStatus.OPEN and (now or utcnow()) < self.closes_at

    @property
    def is_closed(self) -> bool:
        """Past its deadline without a pick: shown as closed."""
        return self.status == RequestStatus.OPEN and utcnow() >= self.closes_at


class RequestRecipient(Base):
    """A verified MSME a request was routed to (it matched): only these see it and quote."""

    __tablename__ = "buying_request_recipients"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buying_requests.id", ondelete="CASCADE"), primary_key=True
    )
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id"), primary_key=True, index=True
    )
    # The business's product that matched first, offered as the quote's product.
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    created_at: Mapped[created_at]

    request: Mapped[BuyingRequest] = relationship(back_populates="recipients")
    business: Mapped[Business] = relationship()


class QuoteStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    PICKED = "picked"
    NOT_PICKED = "not_picked"  # the buyer picked another quote, or withdrew the request
    WITHDRAWN = "withdrawn"  # by the MSME


class Quote(Base):
    """An MSME's answer to a request: its price in rupiah (converted for the buyer), the
    minimum order, the lead time and a message. One per business and request."""

    __tablename__ = "quotes"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "business_id"),
        sa.CheckConstraint("unit_price_idr > 0", name="price_positive"),
        sa.CheckConstraint("moq IS NULL OR moq > 0", name="moq_positive"),
        sa.CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
    )

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("buying_requests.id"), index=True)
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    unit_price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    moq: Mapped[int | None]
    lead_time_days: Mapped[int]
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[QuoteStatus] = mapped_column(
        str_enum(QuoteStatus, "status"), default=QuoteStatus.SUBMITTED
    )
    # The conversation the pick opened.
    interest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interests.id"), unique=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    request: Mapped[BuyingRequest] = relationship(back_populates="quotes")
    business: Mapped[Business] = relationship()
    product: Mapped[Product] = relationship()
    interest: Mapped[Interest | None] = relationship()
    questions: Mapped[list[QuoteMessage]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteMessage.id"
    )


class QuoteMessage(Base):
    """A question the buyer asks about a quote, or the MSME's answer, before the pick."""

    __tablename__ = "quote_messages"

    id: Mapped[intpk]
    quote_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quotes.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    quote: Mapped[Quote] = relationship(back_populates="questions")
    sender: Mapped[User] = relationship()
