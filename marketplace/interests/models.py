"""A buyer's interest in a product, the conversation it opens, and the buyer's shortlist; and
a visitor's interest waiting for the confirmation of their e-mail address."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from marketplace.accounts.models import BuyerType
from marketplace.db import Base, created_at, intpk, str_enum, updated_at

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.channels.models import Channel
    from marketplace.products.models import Product


class InterestStatus(enum.StrEnum):
    NEW = "new"
    REPLIED = "replied"
    NEGOTIATING = "negotiating"
    WON = "won"
    LOST = "lost"
    WITHDRAWN = "withdrawn"
    SPAM = "spam"


OPEN_INTEREST_STATUSES = (
    InterestStatus.NEW,
    InterestStatus.REPLIED,
    InterestStatus.NEGOTIATING,
)


class Reader(enum.StrEnum):
    """A party whose reading of a conversation is marked (the office reads along unmarked)."""

    BUYER = "buyer"
    OWNER = "owner"


class Interest(Base):
    __tablename__ = "interests"
    __table_args__ = (
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "won_value_idr IS NULL OR won_value_idr >= 0", name="won_value_not_negative"
        ),
        sa.CheckConstraint("(buyer_id IS NULL) <> (visitor_id IS NULL)", name="buyer_or_visitor"),
        sa.Index("ix_interests_product_status", "product_id", "status"),
        sa.Index("ix_interests_created_at", "created_at"),
    )

    id: Mapped[intpk]
    # A buyer's interest, or a visitor's captured at a stand (`visitor`): one of the two.
    buyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stand_visitors.id"), unique=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    # The channel it came through (a QR scan or a channel page); None means direct.
    channel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("channels.id"), index=True)
    quantity: Mapped[int | None]
    unit: Mapped[str | None] = mapped_column(sa.String(20))
    target_price: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    incoterm: Mapped[str | None] = mapped_column(sa.String(3))
    destination: Mapped[str | None] = mapped_column(sa.String(120))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[InterestStatus] = mapped_column(
        str_enum(InterestStatus, "status"), default=InterestStatus.NEW
    )
    won_quantity: Mapped[int | None]
    # Always in rupiah, so reports sum one currency; a deal negotiated in another currency
    # keeps its amount, currency and the rupiah per unit it was counted at beside it.
    won_value_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    won_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 2))
    won_currency: Mapped[str | None] = mapped_column(sa.String(3))
    won_idr_per_unit: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 6))
    lost_reason: Mapped[str | None] = mapped_column(sa.Text)
    first_reply_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Moved by the party's own writes (expressing the interest, a message); opening the
    # conversation moves `ConversationRead` instead (see `interests.reading`).
    buyer_read_at: Mapped[datetime | None]
    owner_read_at: Mapped[datetime | None]
    # Markers of `flask remind-unanswered`, so an owner is reminded and the office told once.
    reminder_sent_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # A form's one-time key, so a double click or a resubmit creates one interest.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    # Not stored: whether the reader has news in it, loaded by the lists of conversations
    # (`queries.buyer_interests`, `queries.business_inbox`); None when loaded otherwise.
    unread: Mapped[bool | None] = query_expression()

    buyer: Mapped[User | None] = relationship()
    visitor: Mapped[StandVisitor | None] = relationship()
    product: Mapped[Product] = relationship()
    channel: Mapped[Channel | None] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="interest", cascade="all, delete-orphan", order_by="Message.id"
    )


class StandVisitor(Base):
    """A visitor whose interest a coordinator or an MSME captured at a stand: the contact they
    gave, and their consent to be contacted in the words they read it in. No account."""

    __tablename__ = "stand_visitors"
    __table_args__ = (
        sa.CheckConstraint(
            "email IS NOT NULL OR whatsapp IS NOT NULL OR erased_at IS NOT NULL", name="reachable"
        ),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    whatsapp: Mapped[str | None] = mapped_column(sa.String(20))
    country_code: Mapped[str] = mapped_column(sa.String(2))
    locale: Mapped[str] = mapped_column(sa.String(8))
    consent_text: Mapped[str] = mapped_column(sa.Text)
    consented_at: Mapped[datetime]
    captured_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The capturing device's key of the entry: an entry sent twice is recorded once.
    client_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    # When the visitor's details were deleted (at their request, or when kept long enough).
    erased_at: Mapped[datetime | None]


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_interest_id_id", "interest_id", "id"),)

    id: Mapped[intpk]
    interest_id: Mapped[int] = mapped_column(sa.ForeignKey("interests.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    # The key of the interest form that added this message to an open conversation, so a
    # double click adds it once.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]

    interest: Mapped[Interest] = relationship(back_populates="messages")
    sender: Mapped[User] = relationship()


class ShortlistEntry(Base):
    __tablename__ = "shortlist_entries"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[created_at]

    product: Mapped[Product] = relationship()


class ConversationRead(Base):
    """When a party last opened a conversation: the side record a GET writes by design, so
    reading never writes (nor locks) the interest itself. See `interests.reading`."""

    __tablename__ = "conversation_reads"

    interest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interests.id", ondelete="CASCADE"), primary_key=True
    )
    reader: Mapped[Reader] = mapped_column(str_enum(Reader, "reader"), primary_key=True)
    read_at: Mapped[datetime]


class PendingInterest(Base):
    """What a visitor without an account sent from the quick interest form, kept until they
    confirm it through the link mailed to them (see `interests.pending`). Nothing here reaches
    the business: confirming creates the real `Interest`. Rows older than the link's lifetime
    are deleted, confirmed or not."""

    __tablename__ = "pending_interests"
    __table_args__ = (
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        sa.Index("ix_pending_interests_created_at", "created_at"),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(120))
    buyer_type: Mapped[BuyerType] = mapped_column(str_enum(BuyerType, "buyer_type"))
    company: Mapped[str | None] = mapped_column(sa.String(160))
    country_code: Mapped[str] = mapped_column(sa.String(2))
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    # The channel the visit came through (a scanned tag), credited once the interest is real.
    channel_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("channels.id", ondelete="SET NULL")
    )
    quantity: Mapped[int | None]
    unit: Mapped[str | None] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text)
    # The language the visitor wrote in: their mail, and their account if one is created.
    locale: Mapped[str] = mapped_column(sa.String(8))
    # The form's one-time key: a double click makes one row, and the confirmed interest keeps it.
    submission_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    confirmed_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship()
    channel: Mapped[Channel | None] = relationship()


# ---------------------------------------------------------------------------------------------
# The office's help with interests left unanswered


class EscalationStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an officer
    TAKEN = "taken"  # an officer is on it
    CLOSED = "closed"


class EscalationOutcome(enum.StrEnum):
    """Why an escalation was closed."""

    MSME_REPLIED = "msme_replied"
    BUYER_NOT_INTERESTED = "buyer_not_interested"
    OTHER = "other"


class ContactChannel(enum.StrEnum):
    """How an officer reached the MSME."""

    PHONE = "phone"
    WHATSAPP = "whatsapp"
    EMAIL = "email"


class EscalationNoteKind(enum.StrEnum):
    NOTE = "note"
    CONTACTED = "contacted"  # the officer contacted the MSME (`channel` says how)


class Escalation(Base):
    """An interest still unanswered when `flask remind-unanswered` told the office: one row per
    interest, in the office's queue until an officer closes it (see `office.escalations`)."""

    __tablename__ = "escalations"
    __table_args__ = (
        sa.CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)", name="closed_with_outcome"
        ),
        sa.CheckConstraint("status <> 'taken' OR taken_by_id IS NOT NULL", name="taken_by_someone"),
        sa.Index("ix_escalations_status_created_at", "status", "created_at"),
    )

    id: Mapped[intpk]
    interest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interests.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[EscalationStatus] = mapped_column(
        str_enum(EscalationStatus, "status"), default=EscalationStatus.OPEN
    )
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    taken_at: Mapped[datetime | None]
    outcome: Mapped[EscalationOutcome | None] = mapped_column(
        str_enum(EscalationOutcome, "outcome")
    )
    closed_at: Mapped[datetime | None]
    # None for one closed by itself (the MSME replied before anyone took it).
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    interest: Mapped[Interest] = relationship()
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    notes: Mapped[list[EscalationNote]] = relationship(
        back_populates="escalation", cascade="all, delete-orphan", order_by="EscalationNote.id"
    )


class EscalationNote(Base):
    """An officer's note on an escalation, or their record of contacting the MSME."""

    __tablename__ = "escalation_notes"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'contacted') = (channel IS NOT NULL)", name="contacted_by_a_channel"
        ),
    )

    id: Mapped[intpk]
    escalation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("escalations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[EscalationNoteKind] = mapped_column(str_enum(EscalationNoteKind, "kind"))
    channel: Mapped[ContactChannel | None] = mapped_column(str_enum(ContactChannel, "channel"))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]

    escalation: Mapped[Escalation] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()
