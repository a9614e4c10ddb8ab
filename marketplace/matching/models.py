"""Business matching: an event of short meetings between Bandung MSMEs and buyers, the people
registered for it, their meetings, and the bookings that keep anyone from being in two
meetings at once.

Times are stored in UTC. The event keeps its own zone and its daily session windows in that
zone's wall time ("10:00-12:00,14:00-16:00"); the slots are computed from them (`slots.py`).

Each requested or accepted meeting holds one `MatchingBooking` per party at its start; the
database refuses a second booking of one participant at one start (a participant belongs to
one event: `uq_matching_bookings_participant_id_starts_at`), so two requests racing for the
same slot cannot both succeed. A declined or cancelled meeting gives its bookings up.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum, updated_at

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.businesses.models import Business
    from marketplace.reference.models import PartnerCity, Subsector


class EventStatus(enum.StrEnum):
    DRAFT = "draft"  # seen by the office only
    OPEN = "open"  # registration until the start, meetings requested until each slot
    CLOSED = "closed"  # shown to its participants; nothing new is taken


class Side(enum.StrEnum):
    MSME = "msme"
    BUYER = "buyer"

    @property
    def other(self) -> Side:
        return Side.BUYER if self is Side.MSME else Side.MSME


class MeetingStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# The statuses that hold a slot for both parties.
HOLDING = (MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED)


class MatchingEvent(Base):
    __tablename__ = "matching_events"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="days_in_order"),
        sa.CheckConstraint("meeting_minutes BETWEEN 5 AND 240", name="meeting_minutes_range"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(160))
    partner_city_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_cities.id"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # An IANA name: the windows are this zone's wall time.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    online: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(sa.String(255), default="")
    meeting_link: Mapped[str | None] = mapped_column(sa.String(500))
    meeting_minutes: Mapped[int]
    # The daily session windows, "HH:MM-HH:MM" separated by commas, in order.
    windows: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[EventStatus] = mapped_column(
        str_enum(EventStatus, "status"), default=EventStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    partner_city: Mapped[PartnerCity | None] = relationship()


participant_subsector = sa.Table(
    "matching_participant_subsectors",
    Base.metadata,
    sa.Column(
        "participant_id",
        sa.ForeignKey("matching_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("subsector_code", sa.ForeignKey("subsectors.code"), primary_key=True),
)


class MatchingParticipant(Base):
    """A person registered for an event, on one side: an MSME owner (with their business)
    or a buyer."""

    __tablename__ = "matching_participants"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.CheckConstraint("(side = 'msme') = (business_id IS NOT NULL)", name="business_for_msme"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_events.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    side: Mapped[Side] = mapped_column(str_enum(Side, "side"))
    business_id: Mapped[int | None] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    offer: Mapped[str] = mapped_column(sa.Text, default="")
    seek: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]

    event: Mapped[MatchingEvent] = relationship()
    user: Mapped[User] = relationship()
    business: Mapped[Business | None] = relationship()
    subsectors: Mapped[list[Subsector]] = relationship(
        secondary=participant_subsector, order_by="Subsector.code"
    )


class MatchingMeeting(Base):
    """One meeting of an MSME and a buyer at one slot, asked for by one of them."""

    __tablename__ = "matching_meetings"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="times_in_order"),
        sa.Index("ix_matching_meetings_event_starts", "event_id", "starts_at"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_events.id"))
    msme_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_participants.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_participants.id"), index=True)
    requested_by: Mapped[Side] = mapped_column(str_enum(Side, "requested_by"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus, "status"), default=MeetingStatus.REQUESTED
    )
    # The requester's words with the request, and the answer's (accepted or declined).
    note: Mapped[str] = mapped_column(sa.Text, default="")
    answer_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Who cancelled (a party or an officer), and why.
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    event: Mapped[MatchingEvent] = relationship()
    msme: Mapped[MatchingParticipant] = relationship(foreign_keys=[msme_id])
    buyer: Mapped[MatchingParticipant] = relationship(foreign_keys=[buyer_id])
    bookings: Mapped[list[MatchingBooking]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    @property
    def requester(self) -> MatchingParticipant:
        return self.msme if self.requested_by is Side.MSME else self.buyer

    @property
    def invitee(self) -> MatchingParticipant:
        return self.buyer if self.requested_by is Side.MSME else self.msme

    def party(self, user_id: int) -> MatchingParticipant | None:
        """The participant `user_id` is in this meeting, or None."""
        for participant in (self.msme, self.buyer):
            if participant.user_id == user_id:
                return participant
        return None

    def other(self, participant: MatchingParticipant) -> MatchingParticipant:
        return self.buyer if participant.id == self.msme_id else self.msme


class MatchingBooking(Base):
    """A participant's slot held by a requested or accepted meeting: one row per party."""

    __tablename__ = "matching_bookings"
    __table_args__ = (sa.UniqueConstraint("participant_id", "starts_at"),)

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("matching_meetings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_participants.id"))
    starts_at: Mapped[datetime]

    meeting: Mapped[MatchingMeeting] = relationship(back_populates="bookings")
