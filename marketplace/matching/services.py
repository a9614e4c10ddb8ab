"""The rules of business matching: the office creates and opens events; MSMEs with a verified
business and buyers with a profile register until the event starts; a participant asks one of
the other side for a meeting in a slot where both are free, which the other accepts or
declines; the office moves or cancels meetings. Nobody holds two meetings at one slot: the
services check it, and the bookings' unique constraint decides between requests that race.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.matching import tell
from marketplace.matching.models import (
    HOLDING,
    EventStatus,
    MatchingBooking,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    MeetingStatus,
    Side,
)
from marketplace.matching.slots import Slot, event_slots, event_start, slot_at
from marketplace.reference.models import PartnerCity, Subsector

TEXT_MAX = 1000
NOTE_MAX = 500


class MatchingError(ServiceError):
    pass


@dataclass(frozen=True)
class EventData:
    name: str
    partner_city_id: int | None
    description: str
    starts_on: date
    ends_on: date
    timezone: str
    online: bool
    place: str
    meeting_link: str | None
    meeting_minutes: int
    windows: str  # already checked and written the one way (`slots.format_windows`)
    open: bool


def create_event(actor: User, data: EventData) -> MatchingEvent:
    if (
        data.partner_city_id is not None
        and db.session.get(PartnerCity, data.partner_city_id) is None
    ):
        raise MatchingError(_l("Choose a partner city from the list."))
    event = MatchingEvent(
        name=data.name.strip(),
        partner_city_id=data.partner_city_id,
        description=data.description.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        timezone=data.timezone,
        online=data.online,
        place=data.place.strip(),
        meeting_link=data.meeting_link or None,
        meeting_minutes=data.meeting_minutes,
        windows=data.windows,
        status=EventStatus.OPEN if data.open else EventStatus.DRAFT,
        created_by_id=actor.id,
    )
    if not event_slots(event):
        raise MatchingError(_l("No meeting fits in the session windows: make them longer."))
    db.session.add(event)
    db.session.flush()
    record_audit(
        actor,
        AuditAction.MATCHING_EVENT_CREATE,
        "matching_event",
        event.id,
        after={"name": event.name, "status": event.status.value},
    )
    return event


def set_event_status(event: MatchingEvent, actor: User, status: EventStatus) -> None:
    lock(event)
    if event.status == status:
        return
    before = event.status.value
    event.status = status
    db.session.flush()
    record_audit(
        actor,
        AuditAction.MATCHING_EVENT_STATUS,
        "matching_event",
        event.id,
        before={"status": before},
        after={"status": status.value},
    )


# --- registration ------------------------------------------------------------------------------


def registration_open(event: MatchingEvent, now: datetime | None = None) -> bool:
    return event.status == EventStatus.OPEN and (now or utcnow()) < event_start(event)


def side_of(user: User) -> Side | None:
    if user.role is Role.MSME:
        return Side.MSME
    if user.role is Role.BUYER:
        return Side.BUYER
    return None


def verified_business(user: User) -> Business | None:
    return db.session.scalar(
        sa.select(Business).where(
            Business.owner_id == user.id, Business.status == BusinessStatus.VERIFIED
        )
    )


def why_not_register(event: MatchingEvent, user: User) -> MatchingError | None:
    """Why `user` may not register for `event` now, or None when they may."""
    if not registration_open(event):
        return MatchingError(_l("Registration for this event is closed."))
    side = side_of(user)
    if side is Side.MSME and verified_business(user) is None:
        return MatchingError(
            _l("Registration is for MSMEs whose business the trade office has verified.")
        )
    if side is Side.BUYER and user.buyer_profile is None:
        return MatchingError(_l("Please complete your buyer profile first."))
    if side is None:
        return MatchingError(_l("Only MSMEs and buyers take part in business matching."))
    return None


def register(
    event: MatchingEvent,
    user: User,
    offer: str,
    seek: str,
    subsector_codes: Iterable[str] = (),
) -> MatchingParticipant:
    lock(event)
    refused = why_not_register(event, user)
    if refused is not None:
        raise refused
    if participant_of(event, user) is not None:
        raise MatchingError(_l("You are registered for this event already."))
    side = side_of(user)
    assert side is not None
    offer, seek = offer.strip(), seek.strip()
    if not offer and not seek:
        raise MatchingError(_l("Say what you offer or what you seek."))
    if len(offer) > TEXT_MAX or len(seek) > TEXT_MAX:
        raise MatchingError(_l("Please keep each text under 1,000 characters."))
    codes = set(subsector_codes)
    subsectors = (
        list(db.session.scalars(sa.select(Subsector).where(Subsector.code.in_(codes))))
        if codes
        else []
    )
    business = verified_business(user) if side is Side.MSME else None
    participant = MatchingParticipant(
        event=event,
        user=user,
        side=side,
        business=business,
        offer=offer,
        seek=seek,
        subsectors=subsectors,
    )
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except sa.exc.IntegrityError as error:
        raise MatchingError(_l("You are registered for this event already.")) from error
    return participant


def participant_of(event: MatchingEvent, user: User) -> MatchingParticipant | None:
    return db.session.scalar(
        sa.select(MatchingParticipant).where(
            MatchingParticipant.event_id == event.id, MatchingParticipant.user_id == user.id
        )
    )


# --- meetings ----------------------------------------------------------------------------------


def busy_starts(participants: Iterable[MatchingParticipant]) -> set[datetime]:
    """The slot starts at which any of `participants` is held by a meeting."""
    ids = [p.id for p in participants]
    return set(
        db.session.scalars(
            sa.select(MatchingBooking.starts_at).where(MatchingBooking.participant_id.in_(ids))
        )
    )


def free_slots(
    event: MatchingEvent, *participants: MatchingParticipant, now: datetime | None = None
) -> list[Slot]:
    """The event's slots still ahead in which every one of `participants` is free."""
    now = now or utcnow()
    busy = busy_starts(participants)
    return [s for s in event_slots(event) if s.starts_at > now and s.starts_at not in busy]


def open_meeting_between(
    msme: MatchingParticipant, buyer: MatchingParticipant
) -> MatchingMeeting | None:
    return db.session.scalar(
        sa.select(MatchingMeeting).where(
            MatchingMeeting.msme_id == msme.id,
            MatchingMeeting.buyer_id == buyer.id,
            MatchingMeeting.status.in_(HOLDING),
        )
    )


def _check_slot(event: MatchingEvent, starts_at: datetime) -> Slot:
    slot = slot_at(event, starts_at)
    if slot is None:
        raise MatchingError(_l("Choose one of the event's slots."))
    if slot.starts_at <= utcnow():
        raise MatchingError(_l("This slot has passed: choose a later one."))
    return slot


TAKEN = _l("This slot was just taken: choose another one.")


def _book(
    meeting: MatchingMeeting, starts_at: datetime, parties: list[MatchingParticipant]
) -> None:
    """Hold the slot for both parties; the unique constraint refuses a slot taken meanwhile."""
    try:
        with db.session.begin_nested():
            for booking in list(meeting.bookings):
                meeting.bookings.remove(booking)
            db.session.flush()
            for party in parties:
                meeting.bookings.append(
                    MatchingBooking(participant_id=party.id, starts_at=starts_at)
                )
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise MatchingError(TAKEN) from error


def request_meeting(
    requester: MatchingParticipant,
    other: MatchingParticipant,
    starts_at: datetime,
    note: str = "",
) -> MatchingMeeting:
    # No lock: two requests for one slot may both pass the checks below; the bookings' unique
    # constraint lets only one of them through (`_book`).
    event = requester.event
    if other.event_id != event.id or other.side == requester.side:
        raise MatchingError(_l("Meetings are between an MSME and a buyer of the same event."))
    if event.status != EventStatus.OPEN:
        raise MatchingError(_l("This event takes no new meetings."))
    slot = _check_slot(event, starts_at)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise MatchingError(_l("Please keep the note under 500 characters."))
    msme, buyer = (requester, other) if requester.side is Side.MSME else (other, requester)
    if open_meeting_between(msme, buyer) is not None:
        raise MatchingError(_l("You have a meeting with them at this event already."))
    if slot.starts_at in busy_starts([requester]):
        raise MatchingError(_l("You have another meeting in this slot: choose another one."))
    if slot.starts_at in busy_starts([other]):
        raise MatchingError(TAKEN)
    meeting = MatchingMeeting(
        event=event,
        msme=msme,
        buyer=buyer,
        requested_by=requester.side,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        note=note,
    )
    db.session.add(meeting)
    db.session.flush()
    _book(meeting, slot.starts_at, [msme, buyer])
    tell.requested(meeting)
    return meeting


def _answerable(meeting: MatchingMeeting, participant: MatchingParticipant, note: str) -> str:
    lock(meeting)
    if participant.id != meeting.invitee.id:
        raise MatchingError(_l("Only the one asked can answer this request."))
    if meeting.status != MeetingStatus.REQUESTED:
        raise MatchingError(_l("This request is answered already."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise MatchingError(_l("Please keep the note under 500 characters."))
    return note


def accept_meeting(
    meeting: MatchingMeeting, participant: MatchingParticipant, note: str = ""
) -> None:
    note = _answerable(meeting, participant, note)
    if meeting.starts_at <= utcnow():
        raise MatchingError(_l("This slot has passed."))
    meeting.status = MeetingStatus.ACCEPTED
    meeting.answer_note = note
    db.session.flush()
    tell.answered(meeting)


def decline_meeting(
    meeting: MatchingMeeting, participant: MatchingParticipant, note: str = ""
) -> None:
    meeting.answer_note = _answerable(meeting, participant, note)
    meeting.status = MeetingStatus.DECLINED
    meeting.bookings.clear()
    db.session.flush()
    tell.answered(meeting)


def cancel_meeting(
    meeting: MatchingMeeting, participant: MatchingParticipant, reason: str = ""
) -> None:
    """A party calls the meeting off (or takes back a request); the slot is free again."""
    lock(meeting)
    if meeting.party(participant.user_id) is None:
        raise MatchingError(_l("Only its two parties can cancel a meeting."))
    _cancel(meeting, participant.user, reason)
    tell.cancelled_by_party(meeting, participant)


def _cancel(meeting: MatchingMeeting, actor: User, reason: str) -> None:
    if meeting.status not in HOLDING:
        raise MatchingError(_l("This meeting is not planned any more."))
    reason = reason.strip()
    if len(reason) > NOTE_MAX:
        raise MatchingError(_l("Please keep the note under 500 characters."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_by_id = actor.id
    meeting.cancel_reason = reason
    meeting.bookings.clear()
    db.session.flush()


# --- the office --------------------------------------------------------------------------------


def move_meeting(
    meeting: MatchingMeeting, officer: User, starts_at: datetime, reason: str = ""
) -> None:
    """Another slot for a planned meeting, free for both parties; both are told."""
    lock(meeting)
    if meeting.status not in HOLDING:
        raise MatchingError(_l("Only a requested or accepted meeting can be moved."))
    slot = _check_slot(meeting.event, starts_at)
    if slot.starts_at == meeting.starts_at:
        raise MatchingError(_l("The meeting is in this slot already."))
    reason = reason.strip()
    if len(reason) > NOTE_MAX:
        raise MatchingError(_l("Please keep the note under 500 characters."))
    if slot.starts_at in busy_starts([meeting.msme, meeting.buyer]):
        raise MatchingError(_l("One of the two has another meeting in this slot."))
    before = meeting.starts_at
    _book(meeting, slot.starts_at, [meeting.msme, meeting.buyer])
    meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
    db.session.flush()
    record_audit(
        officer,
        AuditAction.MATCHING_MEETING_MOVED,
        "matching_meeting",
        meeting.id,
        before={"starts_at": before.isoformat()},
        after={"starts_at": slot.starts_at.isoformat()},
        reason=reason or None,
    )
    tell.moved_by_office(meeting, reason)


def cancel_by_office(meeting: MatchingMeeting, officer: User, reason: str) -> None:
    lock(meeting)
    before = meeting.status.value
    _cancel(meeting, officer, reason)
    record_audit(
        officer,
        AuditAction.MATCHING_MEETING_CANCELLED,
        "matching_meeting",
        meeting.id,
        before={"status": before},
        after={"status": meeting.status.value},
        reason=reason or None,
    )
    tell.cancelled_by_office(meeting, reason)
