"""Business matching through the HTTP stack: registering, asking and answering, refusals with
clear messages, ownership (another's meeting is 404), agendas in the reader's zone (page, PDF,
.ics) and the office's pages."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from icalendar import Calendar
from pypdf import PdfReader

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.matching import services
from marketplace.matching.models import MatchingEvent, MatchingMeeting, MeetingStatus
from marketplace.matching.slots import Slot
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_business, make_officer, make_user
from tests.matching.helpers import (
    KL,
    first_day,
    join_buyer,
    join_msme,
    kl_time,
    make_event,
    make_malaysian_buyer,
)


def key(moment: Any) -> str:
    return Slot(moment, moment).key


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """An open event in Kuala Lumpur's time with one MSME and two buyers (one in Seoul's zone),
    a third person registered, and a meeting the first buyer asked the MSME for at 10:00."""
    with app.app_context():
        officer = make_officer()
        event = make_event(officer)
        msme = join_msme(event, "Awi Kriya Bandung")
        buyer = join_buyer(event, "Kedai Kraf Sdn Bhd")
        korean = join_buyer(event, "Seoul Living Co.", timezone="Asia/Seoul", locale="ko")
        stranger = join_msme(event, "Kriya Lain")
        meeting = services.request_meeting(buyer, msme, kl_time(first_day(), "10:00"), "Hello!")
        users = [p.user for p in (msme, buyer, korean, stranger)] + [officer]
        ids = {
            "event": event.id,
            "meeting": meeting.id,
            "msme": msme.id,
            "buyer": buyer.id,
            "korean": korean.id,
            "stranger": stranger.id,
        }
        commit_and_detach(*users)
    return {
        **ids,
        "msme_user": users[0],
        "buyer_user": users[1],
        "korean_user": users[2],
        "stranger_user": users[3],
        "officer": users[4],
    }


def test_a_buyer_registers_and_finds_the_msmes(app: Flask, login_as: Any) -> None:
    with app.app_context():
        event = make_event()
        join_msme(event, "Awi Kriya Bandung")
        buyer = make_malaysian_buyer()
        event_id = event.id
        commit_and_detach(buyer)
    client = login_as(buyer)
    page = client.get(f"/matching/{event_id}").get_data(as_text=True)
    assert "What we offer" in page and "Registration closes when the event starts" in page
    refused = post_form(
        client,
        f"/matching/{event_id}/register",
        {"offer": "", "seek": ""},
        page=f"/matching/{event_id}",
    )
    assert refused.status_code == 400
    assert "Say what you offer or what you seek." in refused.get_data(as_text=True)
    done = post_form(
        client,
        f"/matching/{event_id}/register",
        {"seek": "Batik and bamboo crafts for our shops.", "subsectors": ["kriya", "fesyen"]},
        page=f"/matching/{event_id}",
    )
    assert done.status_code == 302
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Awi Kriya Bandung" in listing and "Bandung, Indonesia" in listing
    with app.app_context():
        (mine,) = db.session.scalars(
            sa.select(services.MatchingParticipant).where(
                services.MatchingParticipant.user_id == buyer.id
            )
        ).all()
        assert [s.code for s in mine.subsectors] == ["fesyen", "kriya"]
    # Filtered by a subsector the MSME did not name: nobody.
    assert "Awi Kriya Bandung" not in client.get(
        f"/matching/{event_id}/participants?subsector=musik"
    ).get_data(as_text=True)


def test_an_msme_without_a_verified_business_is_told_why_it_cannot_register(
    app: Flask, login_as: Any
) -> None:
    with app.app_context():
        event = make_event()
        owner = make_user(Role.MSME)
        make_business(owner, status=BusinessStatus.PENDING)
        event_id = event.id
        commit_and_detach(owner)
    page = login_as(owner).get(f"/matching/{event_id}").get_data(as_text=True)
    assert "whose business the trade office has verified" in page
    assert f'action="/matching/{event_id}/register"' not in page


def test_the_msme_accepts_and_a_second_request_for_the_slot_is_refused_clearly(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    msme = login_as(world["msme_user"])
    meeting_page = f"/matching/meetings/{world['meeting']}"
    page = msme.get(meeting_page).get_data(as_text=True)
    assert "Meeting with Kedai Kraf Sdn Bhd" in page and "Hello!" in page
    assert (
        post_form(
            msme, f"{meeting_page}/accept", {"accept-note": "See you."}, page=meeting_page
        ).status_code
        == 302
    )
    assert "Confirmed" in msme.get(meeting_page).get_data(as_text=True)

    korean = login_as(world["korean_user"])
    url = f"/matching/{world['event']}/participants/{world['msme']}"
    form = korean.get(url).get_data(as_text=True)
    taken = key(kl_time(first_day(), "10:00"))
    assert f'value="{taken}"' not in form  # not offered any more
    refused = post_form(korean, url, {"slot": taken}, page=url)
    assert refused.status_code == 400
    # In the buyer's Korean.
    assert "방금 다른 미팅이 잡힌 시간입니다." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MatchingMeeting.id))) == 1


def test_nobody_answers_cancels_or_reads_a_meeting_that_is_not_theirs(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    meeting_page = f"/matching/meetings/{world['meeting']}"
    for person in ("korean_user", "stranger_user"):
        client = login_as(world[person])
        assert client.get(meeting_page).status_code == 404
        for action in ("accept", "decline", "cancel"):
            response = post_form(client, f"{meeting_page}/{action}", {}, page="/matching/")
            assert response.status_code == 404
    # The buyer who asked may not answer for the MSME.
    buyer = login_as(world["buyer_user"])
    refused = post_form(buyer, f"{meeting_page}/accept", {}, page=meeting_page)
    assert refused.status_code == 400
    assert "Only the one asked can answer this request." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(MatchingMeeting, world["meeting"]).status == "requested"
    # A participant of the same side is no one to meet; an unknown one is no one at all.
    msme = login_as(world["msme_user"])
    assert (
        msme.get(f"/matching/{world['event']}/participants/{world['stranger']}").status_code == 404
    )
    assert msme.get(f"/matching/{world['event']}/participants/999999").status_code == 404
    # A person not registered has no agenda there.
    outsider = make_outsider(app)
    assert login_as(outsider).get(f"/matching/{world['event']}/agenda.ics").status_code == 404


def make_outsider(app: Flask) -> Any:
    with app.app_context():
        user = make_malaysian_buyer("Outsider Trading")
        commit_and_detach(user)
    return user


def test_a_declined_request_frees_the_slot_for_another(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    msme = login_as(world["msme_user"])
    meeting_page = f"/matching/meetings/{world['meeting']}"
    done = post_form(
        msme, f"{meeting_page}/decline", {"decline-note": "Booked."}, page=meeting_page
    )
    assert done.status_code == 302
    korean = login_as(world["korean_user"])
    url = f"/matching/{world['event']}/participants/{world['msme']}"
    free = key(kl_time(first_day(), "10:00"))
    assert f'value="{free}"' in korean.get(url).get_data(as_text=True)
    assert post_form(korean, url, {"slot": free}, page=url).status_code == 302


def _ics_starts(data: bytes) -> list[Any]:
    calendar = Calendar.from_ical(data)
    return [event.decoded("dtstart") for event in calendar.walk("VEVENT")]


def test_the_agenda_is_in_each_ones_zone_and_the_calendar_file_keeps_the_moment(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    """10:00 in Kuala Lumpur is 11:00 in Seoul: the Korean buyer reads 11:00 on the page and in
    the PDF, and the .ics says 11:00 Asia/Seoul, which is 10:00 in Kuala Lumpur."""
    with app.app_context():
        event = db.session.get_one(MatchingEvent, world["event"])
        korean = db.session.get_one(services.MatchingParticipant, world["korean"])
        msme = db.session.get_one(services.MatchingParticipant, world["msme"])
        meeting = services.request_meeting(korean, msme, kl_time(first_day(), "10:20"))
        services.accept_meeting(meeting, msme)
        db.session.commit()
        event_id = event.id
    client = login_as(world["korean_user"])
    page = client.get(f"/matching/{event_id}/agenda").get_data(as_text=True)
    assert "Asia/Seoul" in page and "Awi Kriya Bandung" in page
    assert re.search(r"11:20\s*~\s*11:40", page), page

    ics = client.get(f"/matching/{event_id}/agenda.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert b"TZID=Asia/Seoul" in ics.data and b"BEGIN:VTIMEZONE" in ics.data
    (start,) = _ics_starts(ics.data)
    assert (start.hour, start.minute, str(start.tzinfo)) == (11, 20, "Asia/Seoul")
    local = start.astimezone(ZoneInfo(KL))
    assert (local.date(), local.hour, local.minute) == (first_day(), 10, 20)
    calendar = Calendar.from_ical(ics.data)
    (entry,) = calendar.walk("VEVENT")
    assert "Awi Kriya Bandung" in str(entry["summary"])
    assert str(entry["location"]) == "PJ Trade Centre, Petaling Jaya"
    assert "hand-made goods" in str(entry["description"])

    pdf = client.get(f"/matching/{event_id}/agenda.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Awi Kriya Bandung" in text and "Asia/Seoul" in text
    assert "11:20" in text

    # The MSME (Bandung, WIB) reads the same meetings an hour earlier than Kuala Lumpur.
    mine = login_as(world["msme_user"])
    (own,) = [
        s for s in _ics_starts(mine.get(f"/matching/{event_id}/agenda.ics").data) if s.minute == 20
    ]
    assert (own.hour, str(own.tzinfo)) == (9, "Asia/Jakarta")
    assert own.astimezone(ZoneInfo(KL)).hour == 10


def test_the_office_creates_an_event_and_moves_and_cancels_meetings(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    office = login_as(world["officer"])
    day = first_day(30)
    form = {
        "name": "PJ creative exchange, second round",
        "partner_city": "",
        "starts_on": day.isoformat(),
        "ends_on": (day + timedelta(days=1)).isoformat(),
        "timezone": KL,
        "place": "",
        "meeting_minutes": "20",
        "windows": "10:00-12:00",
        "open": "y",
    }
    refused = post_form(office, "/office/matching/new", form)
    assert refused.status_code == 400
    assert "Give the place, or tick online meetings." in refused.get_data(as_text=True)
    created = post_form(
        office,
        "/office/matching/new",
        {**form, "online": "y", "meeting_link": "https://meet.example/pj"},
    )
    assert created.status_code == 302
    page = office.get(created.headers["Location"]).get_data(as_text=True)
    assert "12 slots in all." in page and "https://meet.example/pj" in page

    meeting_page = f"/office/matching/meetings/{world['meeting']}"
    move_to = key(kl_time(first_day(), "14:00"))
    html = office.get(meeting_page).get_data(as_text=True)
    assert f'value="{move_to}"' in html
    moved = post_form(office, f"{meeting_page}/move", {"move-slot": move_to}, page=meeting_page)
    assert moved.status_code == 302
    schedule = office.get(f"/office/matching/{world['event']}/schedule").get_data(as_text=True)
    assert "Awi Kriya Bandung – Kedai Kraf Sdn Bhd" in schedule
    cancelled = post_form(
        office, f"{meeting_page}/cancel", {"cancel-reason": "Room closed."}, page=meeting_page
    )
    assert cancelled.status_code == 302
    with app.app_context():
        meeting = db.session.get_one(MatchingMeeting, world["meeting"])
        assert meeting.status == MeetingStatus.CANCELLED
        assert meeting.starts_at == kl_time(first_day(), "14:00")


def test_the_office_move_keeps_the_no_double_booking_rule(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    with app.app_context():
        korean = db.session.get_one(services.MatchingParticipant, world["korean"])
        msme = db.session.get_one(services.MatchingParticipant, world["msme"])
        services.request_meeting(korean, msme, kl_time(first_day(), "11:00"))
        db.session.commit()
    office = login_as(world["officer"])
    meeting_page = f"/office/matching/meetings/{world['meeting']}"
    busy = key(kl_time(first_day(), "11:00"))
    assert f'value="{busy}"' not in office.get(meeting_page).get_data(as_text=True)
    refused = post_form(office, f"{meeting_page}/move", {"move-slot": busy}, page=meeting_page)
    assert refused.status_code == 400
    assert "One of the two has another meeting in this slot." in refused.get_data(as_text=True)
    with app.app_context():
        meeting = db.session.get_one(MatchingMeeting, world["meeting"])
        assert meeting.starts_at == kl_time(first_day(), "10:00")
