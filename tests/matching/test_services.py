"""The rules of business matching, called as the views call them: slots from the windows,
registration, requests and answers, nobody in two meetings at one slot (the services' check
and the database's constraint), and the office's moves and cancellations."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.mail.models import OutboxEmail
from marketplace.matching import services
from marketplace.matching.models import MatchingBooking, MeetingStatus
from marketplace.matching.slots import (
    WindowsError,
    event_slots,
    event_start,
    format_windows,
    parse_windows,
)
from marketplace.notifications.models import Notification
from tests.factories import make_business, make_officer, make_user
from tests.matching.helpers import (
    first_day,
    join_buyer,
    join_msme,
    kl_time,
    make_event,
    make_malaysian_buyer,
)


def test_slots_are_consecutive_meetings_inside_the_windows_in_the_events_zone(
    ctx: Flask,
) -> None:
    event = make_event(days=2, minutes=20, windows="10:00-12:00,14:00-16:00")
    slots = event_slots(event)
    assert len(slots) == 2 * (6 + 6)
    day = first_day()
    assert slots[0].starts_at == kl_time(day, "10:00")
    assert slots[0].starts_at.hour == 2  # 10:00 in Kuala Lumpur (UTC+8) is 02:00 UTC
    assert slots[1].starts_at == kl_time(day, "10:20")
    assert slots[5].ends_at == kl_time(day, "12:00")
    assert slots[6].starts_at == kl_time(day, "14:00")
    assert slots[12].starts_at == kl_time(day + timedelta(days=1), "10:00")
    assert event_start(event) == slots[0].starts_at
    # What does not fill a whole meeting stays free.
    assert len(event_slots(make_event(minutes=25, windows="10:00-11:00", days=1))) == 2


def test_windows_are_read_as_people_write_them_and_overlaps_refused() -> None:
    assert format_windows(parse_windows("14:00 – 16:00; 9.30-12:00")) == "09:30-12:00,14:00-16:00"
    for wrong in ("", "10-12", "12:00-10:00", "10:00-12:00, 11:00-13:00", "25:00-26:00"):
        with pytest.raises(WindowsError):
            parse_windows(wrong)


def test_msmes_with_a_verified_business_and_buyers_with_a_profile_register_once(
    ctx: Flask,
) -> None:
    event = make_event()
    msme = join_msme(event)
    assert msme.side == "msme" and msme.business is not None
    buyer = join_buyer(event)
    assert buyer.side == "buyer" and buyer.business is None
    with pytest.raises(services.MatchingError, match="registered for this event already"):
        services.register(event, buyer.user, "", "More batik.")

    waiting = make_user(Role.MSME)
    make_business(waiting, name="Kriya Waiting", status=BusinessStatus.PENDING)
    no_profile = make_user(Role.BUYER)
    officer = make_officer()
    for person, words in (
        (waiting, "verified"),
        (no_profile, "buyer profile"),
        (officer, "Only MSMEs and buyers"),
    ):
        with pytest.raises(services.MatchingError, match=words):
            services.register(event, person, "x", "y")
    with pytest.raises(services.MatchingError, match="what you offer or what you seek"):
        services.register(event, make_malaysian_buyer("Other"), " ", "")


def test_registration_closes_when_the_event_starts(ctx: Flask) -> None:
    event = make_event(days_ahead=0, windows="00:00-00:20", days=1)
    assert not services.registration_open(event)
    with pytest.raises(services.MatchingError, match="closed"):
        services.register(event, make_malaysian_buyer(), "", "Batik.")
    draft = make_event(open=False)
    with pytest.raises(services.MatchingError, match="closed"):
        services.register(draft, make_malaysian_buyer("Draft"), "", "Batik.")


def test_a_request_accepted_holds_the_slot_and_a_second_request_for_it_is_refused(
    ctx: Flask,
) -> None:
    event = make_event()
    msme = join_msme(event)
    first, second = join_buyer(event, "Kedai Satu"), join_buyer(event, "Kedai Dua")
    slot = kl_time(first_day(), "10:00")

    meeting = services.request_meeting(first, msme, slot, "We sell in Kuala Lumpur.")
    assert (meeting.status, meeting.requested_by) == (MeetingStatus.REQUESTED, "buyer")
    services.accept_meeting(meeting, msme, "See you there.")
    assert meeting.status == MeetingStatus.ACCEPTED
    with pytest.raises(services.MatchingError, match="just taken"):
        services.request_meeting(second, msme, slot)
    # The MSME may not ask the second buyer for that slot either.
    with pytest.raises(services.MatchingError, match="another meeting in this slot"):
        services.request_meeting(msme, second, slot)
    # Another slot is fine.
    later = services.request_meeting(second, msme, kl_time(first_day(), "10:20"))
    assert later.status == MeetingStatus.REQUESTED


def test_one_participant_is_never_in_two_meetings_at_one_slot(ctx: Flask) -> None:
    event = make_event()
    batik, kriya = join_msme(event, "Batik Satu"), join_msme(event, "Kriya Dua")
    buyer = join_buyer(event)
    slot = kl_time(first_day(), "14:40")
    services.request_meeting(buyer, batik, slot)
    with pytest.raises(services.MatchingError, match="another meeting in this slot"):
        services.request_meeting(buyer, kriya, slot)
    # Asked by the other one, the buyer is not free either.
    with pytest.raises(services.MatchingError, match="just taken"):
        services.request_meeting(kriya, buyer, slot)
    # One open meeting per pair.
    with pytest.raises(services.MatchingError, match="already"):
        services.request_meeting(buyer, batik, kl_time(first_day(), "15:00"))


def test_the_database_refuses_a_second_booking_of_one_participant_at_one_start(
    ctx: Flask,
) -> None:
    """What decides between two requests that both passed the check at the same moment."""
    event = make_event()
    msme = join_msme(event)
    buyer = join_buyer(event)
    slot = kl_time(first_day(), "10:00")
    meeting = services.request_meeting(buyer, msme, slot)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(MatchingBooking(meeting=meeting, participant_id=msme.id, starts_at=slot))
        db.session.flush()


def test_a_declined_or_cancelled_meeting_frees_the_slot(ctx: Flask) -> None:
    event = make_event()
    msme = join_msme(event)
    first, second = join_buyer(event, "Kedai Satu"), join_buyer(event, "Kedai Dua")
    slot = kl_time(first_day(), "11:00")
    meeting = services.request_meeting(first, msme, slot)
    services.decline_meeting(meeting, msme, "Fully booked that morning, sorry.")
    assert meeting.status == MeetingStatus.DECLINED and meeting.bookings == []
    taken = services.request_meeting(second, msme, slot)
    services.cancel_meeting(taken, second, "Our flight changed.")
    assert taken.status == MeetingStatus.CANCELLED
    again = services.request_meeting(first, msme, slot)
    assert again.status == MeetingStatus.REQUESTED


def test_only_the_one_asked_answers_and_only_once(ctx: Flask) -> None:
    event = make_event()
    msme = join_msme(event)
    buyer = join_buyer(event)
    meeting = services.request_meeting(buyer, msme, kl_time(first_day(), "10:00"))
    with pytest.raises(services.MatchingError, match="Only the one asked"):
        services.accept_meeting(meeting, buyer)
    services.accept_meeting(meeting, msme)
    with pytest.raises(services.MatchingError, match="answered already"):
        services.decline_meeting(meeting, msme)


def test_a_slot_must_be_one_of_the_event_and_still_ahead(ctx: Flask) -> None:
    event = make_event()
    msme, buyer = join_msme(event), join_buyer(event)
    with pytest.raises(services.MatchingError, match="one of the event's slots"):
        services.request_meeting(buyer, msme, kl_time(first_day(), "10:05"))
    with pytest.raises(services.MatchingError, match="one of the event's slots"):
        services.request_meeting(buyer, msme, kl_time(first_day(), "12:00"))
    with pytest.raises(services.MatchingError, match="MSME and a buyer"):
        services.request_meeting(buyer, join_buyer(event, "Other"), kl_time(first_day(), "10:00"))


def _told(user: User) -> tuple[list[str], list[OutboxEmail]]:
    """The notifications and mails `user` got."""
    texts = db.session.scalars(sa.select(Notification.text).where(Notification.user_id == user.id))
    mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.to_address == user.email))
    return list(texts), list(mails)


def test_the_office_moves_a_meeting_only_where_both_are_free_and_tells_both(ctx: Flask) -> None:
    officer = make_officer()
    event = make_event(officer)
    msme = join_msme(event, locale="id")
    buyer, other = join_buyer(event, "Kedai Satu"), join_buyer(event, "Kedai Dua")
    day = first_day()
    meeting = services.request_meeting(buyer, msme, kl_time(day, "10:00"))
    services.accept_meeting(meeting, msme)
    busy = services.request_meeting(other, msme, kl_time(day, "10:40"))
    before = {p.user_id: len(_told(p.user)[0]) for p in (msme, buyer)}

    with pytest.raises(services.MatchingError, match="another meeting in this slot"):
        services.move_meeting(meeting, officer, kl_time(day, "10:40"))
    with pytest.raises(services.MatchingError, match="one of the event's slots"):
        services.move_meeting(meeting, officer, kl_time(day, "10:50"))
    services.move_meeting(meeting, officer, kl_time(day, "14:00"), "The room is free then.")
    assert meeting.starts_at == kl_time(day, "14:00")
    assert meeting.ends_at == kl_time(day, "14:20")
    assert sorted(b.starts_at for b in meeting.bookings) == [kl_time(day, "14:00")] * 2

    for party in (msme, buyer):
        texts, mails = _told(party.user)
        assert len(texts) == before[party.user_id] + 1
        assert "The room is free then." in texts[-1] and "The room is free then." in mails[-1].body
    # In each one's language and zone: 14:00 in Kuala Lumpur is 13.00 WIB in Bandung for the
    # MSME (Indonesian), 14:00 for the Malaysian buyer (their partner city's zone).
    assert "13.00 WIB" in _told(msme.user)[0][-1]
    assert "2:00" in _told(buyer.user)[0][-1] or "14:00" in _told(buyer.user)[0][-1]
    # The old slot is free again: the other buyer's request can be moved there.
    services.move_meeting(busy, officer, kl_time(day, "10:00"))
    assert busy.starts_at == kl_time(day, "10:00")
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.subject_type == "matching_meeting")
    ).all()
    assert actions == ["matching_meeting.moved", "matching_meeting.moved"]


def test_the_office_cancels_a_meeting_with_a_reason_both_read(ctx: Flask) -> None:
    officer = make_officer()
    event = make_event(officer)
    msme, buyer = join_msme(event), join_buyer(event)
    meeting = services.request_meeting(buyer, msme, kl_time(first_day(), "15:00"))
    services.cancel_by_office(meeting, officer, "The buyer's delegation was postponed.")
    assert meeting.status == MeetingStatus.CANCELLED and meeting.bookings == []
    for party in (msme, buyer):
        texts, mails = _told(party.user)
        assert "The buyer's delegation was postponed." in texts[-1]
        assert "The buyer's delegation was postponed." in mails[-1].body
    with pytest.raises(services.MatchingError, match="not planned"):
        services.cancel_by_office(meeting, officer, "Again.")
