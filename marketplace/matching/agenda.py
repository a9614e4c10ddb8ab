"""A participant's agenda: their planned meetings in their own zone and language, as a page's
lines, an A4 PDF (with the embedded fonts of the channels' PDFs) and an iCalendar file.

The calendar file gives each meeting's start and end in the participant's zone with its TZID
and the zone's definition (VTIMEZONE), so any calendar shows the meeting at the right moment
whatever zone it is set to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import dates as babel_dates
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy.orm import selectinload

from marketplace.channels.pdf import Document, printed_date
from marketplace.dates import zone_name
from marketplace.db import db, utcnow
from marketplace.interests.display import country_name
from marketplace.matching.models import (
    HOLDING,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    MeetingStatus,
    Side,
)
from marketplace.matching.tell import display_name
from marketplace.urls import public_url

LEFT = 15.0
WIDTH = 180.0
LAST_ROW_Y = 270.0
# Time, with whom, status (mm).
COLUMNS = (70.0, 80.0, 30.0)


@dataclass(frozen=True)
class AgendaItem:
    meeting: MatchingMeeting
    other: MatchingParticipant

    @property
    def accepted(self) -> bool:
        return self.meeting.status == MeetingStatus.ACCEPTED


def agenda_items(participant: MatchingParticipant) -> list[AgendaItem]:
    """The participant's requested and accepted meetings, in time order."""
    meetings = db.session.scalars(
        sa.select(MatchingMeeting)
        .where(
            sa.or_(
                MatchingMeeting.msme_id == participant.id,
                MatchingMeeting.buyer_id == participant.id,
            ),
            MatchingMeeting.status.in_(HOLDING),
        )
        .options(
            selectinload(MatchingMeeting.msme).selectinload(MatchingParticipant.business),
            selectinload(MatchingMeeting.buyer).selectinload(MatchingParticipant.user),
        )
        .order_by(MatchingMeeting.starts_at)
    )
    return [AgendaItem(meeting, meeting.other(participant)) for meeting in meetings]


def slot_text(starts_at: datetime, ends_at: datetime, zone: str, locale: str) -> str:
    """ "10 Dec 2026, 10:00–10:20 GMT+8", in `locale` and `zone`."""
    tz = ZoneInfo(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    day = babel_dates.format_date(start.date(), "medium", locale=locale)
    # The language's own way of writing a span of time: "10:00–10:20", "오전 10:00~10:20".
    twelve = "h" in str(babel_dates.get_time_format("short", locale=locale).pattern)
    span = babel_dates.format_interval(
        start, end, "hm" if twelve else "Hm", tzinfo=tz, locale=locale
    )
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    combined = pattern.replace("{1}", day).replace("{0}", span)
    return f"{combined} {zone_name(start, locale)}"


def whereabouts(participant: MatchingParticipant) -> str:
    """Where a participant is from: "Bandung, Indonesia", "Kuala Lumpur, Malaysia"."""
    if participant.side is Side.MSME:
        return f"Bandung, {country_name('ID')}"
    profile = participant.user.buyer_profile
    if profile is None:
        return ""
    return ", ".join(part for part in (profile.city, country_name(profile.country_code)) if part)


def status_text(meeting: MatchingMeeting) -> str:
    return {
        MeetingStatus.REQUESTED: _("Waiting for an answer"),
        MeetingStatus.ACCEPTED: _("Confirmed"),
        MeetingStatus.DECLINED: _("Turned down"),
        MeetingStatus.CANCELLED: _("Cancelled"),
    }[meeting.status]


def place_text(event: MatchingEvent) -> str:
    if event.online:
        return _("Online: %(link)s", link=event.meeting_link) if event.meeting_link else _("Online")
    return event.place


def agenda_pdf(
    participant: MatchingParticipant, items: list[AgendaItem], zone: str, locale: str
) -> bytes:
    event = participant.event
    with force_locale(locale):
        title = _("Agenda: %(event)s", event=event.name)
        doc = Document(title, locale)
        doc.add_page()
        y = doc.text_at(LEFT, 15, WIDTH, title, 15, bold=True, lines=2)
        y = doc.text_at(LEFT, y + 2, WIDTH, display_name(participant), 11, bold=True)
        days = f"{printed_date(event.starts_on)} – {printed_date(event.ends_on)}"
        y = doc.text_at(LEFT, y + 1, WIDTH, days, 10)
        y = doc.text_at(LEFT, y + 1, WIDTH, place_text(event), 10, lines=2)
        y = doc.text_at(LEFT, y + 1, WIDTH, _("Times in %(zone)s", zone=zone), 10)
        y += 5
        header = [_("Time"), _("With"), _("Status")]
        y = doc.table_row(LEFT, y, COLUMNS, header, bold=True)
        for item in items:
            if y > LAST_ROW_Y:
                doc.add_page()
                y = doc.table_row(LEFT, 15.0, COLUMNS, header, bold=True)
            with_whom = f"{display_name(item.other)} ({whereabouts(item.other)})"
            y = doc.table_row(
                LEFT,
                y,
                COLUMNS,
                [
                    slot_text(item.meeting.starts_at, item.meeting.ends_at, zone, locale),
                    with_whom,
                    status_text(item.meeting),
                ],
            )
        if not items:
            doc.text_at(LEFT, y + 3, WIDTH, _("No meeting planned yet."), 10)
        return bytes(doc.output())


def _host() -> str:
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "localhost"


def agenda_ics(
    participant: MatchingParticipant, items: list[AgendaItem], zone: str, locale: str
) -> bytes:
    event = participant.event
    tz = ZoneInfo(zone)
    calendar = Calendar()
    calendar.add("prodid", "-//Bandung Export Marketplace//Business matching//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.name)
    calendar.add("x-wr-timezone", zone)
    stamp = utcnow().astimezone(UTC).replace(microsecond=0)
    with force_locale(locale):
        for item in items:
            meeting, other = item.meeting, item.other
            entry = Event()
            entry.add("uid", f"matching-meeting-{meeting.id}@{_host()}")
            entry.add("dtstamp", stamp)
            entry.add("dtstart", meeting.starts_at.astimezone(tz))
            entry.add("dtend", meeting.ends_at.astimezone(tz))
            entry.add("summary", _("Meeting with %(name)s", name=display_name(other)))
            entry.add("location", place_text(event))
            if event.online and event.meeting_link:
                entry.add("url", event.meeting_link)
            lines = [event.name, f"{display_name(other)} ({whereabouts(other)})"]
            if other.offer:
                lines.append(_("They offer: %(text)s", text=other.offer))
            if other.seek:
                lines.append(_("They seek: %(text)s", text=other.seek))
            lines.append(public_url("matching.meeting", meeting_id=meeting.id))
            entry.add("description", "\n".join(lines))
            entry.add("status", "CONFIRMED" if item.accepted else "TENTATIVE")
            calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
