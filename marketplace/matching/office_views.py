"""The office's business matching (/office/matching): creating an event, opening and closing
it, the whole schedule (slots by meetings), moving or cancelling a meeting, and what followed
the event (interests and deals between those who met).

Times on these pages are the event's own wall time, with the zone's name: the office plans in
the event's time, whatever zone the officer reads other pages in.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.matching import agenda, attribution, queries, services
from marketplace.matching.forms import empty_first
from marketplace.matching.models import (
    HOLDING,
    EventStatus,
    MatchingEvent,
    MatchingMeeting,
    Side,
)
from marketplace.matching.office_forms import EventForm, MoveForm, OfficeCancelForm, StatusForm
from marketplace.matching.slots import (
    Slot,
    event_end,
    event_slots,
    event_start,
    format_windows,
    parse_key,
    parse_windows,
)
from marketplace.matching.tell import display_name
from marketplace.reference.models import PartnerCity
from marketplace.timezones import all_zones, city_zone

bp = Blueprint("matching_office", __name__, url_prefix="/office/matching")
restrict_blueprint(bp, Role.OFFICER, Role.ADMIN)

PageResponse = str | Response | tuple[str, int]


def event_status(status: EventStatus | str) -> str:
    return {
        EventStatus.DRAFT: _("Draft (only the office sees it)"),
        EventStatus.OPEN: _("Open"),
        EventStatus.CLOSED: _("Closed"),
    }.get(EventStatus(status), str(status))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "matching_name": display_name,
        "matching_from": agenda.whereabouts,
        "event_status": event_status,
    }


def reader_locale() -> str:
    return str(get_locale() or "en")


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(status.value, event_status(status)) for status in EventStatus]


def zone_choices(cities: list[PartnerCity]) -> list[SelectChoice]:
    """The partner cities' zones first (named by their cities), then every other zone."""
    named: dict[str, list[str]] = {}
    for city in cities:
        zone = city_zone(city)
        if zone is not None:
            named.setdefault(zone, []).append(city.name)
    first = sorted(
        (
            SelectChoice(zone, f"{', '.join(sorted(names))} ({zone})")
            for zone, names in named.items()
        ),
        key=lambda choice: choice.label.casefold(),
    )
    group = _("All time zones")
    rest = [SelectChoice(zone, zone, optgroup=group) for zone in all_zones() if zone not in named]
    return empty_first([*first, *rest])


def event_form(**kwargs: Any) -> EventForm:
    cities = list(db.session.scalars(sa.select(PartnerCity).order_by(PartnerCity.name)))
    form = EventForm(**kwargs)
    form.partner_city.choices = empty_first([SelectChoice(str(c.id), c.name) for c in cities])
    form.timezone.choices = zone_choices(cities)
    return form


@bp.get("/")
def index() -> str:
    events = db.session.scalars(queries.all_events()).all()
    return render_template("matching/office_index.html", events=events)


@bp.route("/new", methods=["GET", "POST"])
def new_event() -> PageResponse:
    form = event_form(data={"meeting_minutes": 20, "windows": "10:00-12:00, 14:00-16:00"})
    if form.validate_on_submit():
        assert form.starts_on.data and form.ends_on.data and form.meeting_minutes.data
        data = services.EventData(
            name=form.name.data or "",
            partner_city_id=int(form.partner_city.data) if form.partner_city.data else None,
            description=form.description.data or "",
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            timezone=form.timezone.data or "",
            online=bool(form.online.data),
            place=form.place.data or "",
            meeting_link=form.meeting_link.data or None,
            meeting_minutes=form.meeting_minutes.data,
            windows=format_windows(parse_windows(form.windows.data or "")),
            open=bool(form.open.data),
        )
        try:
            event = services.create_event(me(), data)
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The event %(name)s is created.", name=event.name), "success")
            return redirect(url_for(".event", event_id=event.id))
    html = render_template("matching/office_new.html", form=form)
    return (html, 400) if form.is_submitted() else html


def _event_page(event: MatchingEvent, status_form: StatusForm | None = None) -> str:
    if status_form is None:
        status_form = StatusForm(formdata=None, data={"status": event.status.value})
    status_form.status.choices = status_choices()
    participants = db.session.scalars(queries.participants_of(event)).all()
    meetings = db.session.scalars(queries.meetings_of(event)).all()
    counts: dict[str, int] = defaultdict(int)
    for meeting in meetings:
        counts[meeting.status.value] += 1
    return render_template(
        "matching/office_event.html",
        event=event,
        status_form=status_form,
        msmes=[p for p in participants if p.side is Side.MSME],
        buyers=[p for p in participants if p.side is Side.BUYER],
        counts=counts,
        follow_up=attribution.follow_up(event),
        follow_up_days=attribution.FOLLOW_UP_DAYS,
        starts_at=event_start(event),
        ends_at=event_end(event),
        slots=len(event_slots(event)),
    )


@bp.get("/<int:event_id>")
def event(event_id: int) -> str:
    return _event_page(db.get_or_404(MatchingEvent, event_id))


@bp.post("/<int:event_id>/status")
def change_status(event_id: int) -> PageResponse:
    event = db.get_or_404(MatchingEvent, event_id)
    form = StatusForm()
    form.status.choices = status_choices()
    if not form.validate_on_submit():
        return _event_page(event, form), 400
    services.set_event_status(event, me(), EventStatus(form.status.data))
    db.session.commit()
    flash(_("The event's status is changed."), "success")
    return redirect(url_for(".event", event_id=event.id))


def local_text(event: MatchingEvent, slot: Slot | MatchingMeeting) -> str:
    return agenda.slot_text(slot.starts_at, slot.ends_at, event.timezone, reader_locale())


@bp.get("/<int:event_id>/schedule")
def schedule(event_id: int) -> str:
    event = db.get_or_404(MatchingEvent, event_id)
    by_start: dict[datetime, list[MatchingMeeting]] = defaultdict(list)
    for meeting in db.session.scalars(queries.meetings_of(event)):
        if meeting.status in HOLDING:
            by_start[meeting.starts_at].append(meeting)
    rows = [
        (slot, local_text(event, slot), by_start.get(slot.starts_at, []))
        for slot in event_slots(event)
    ]
    return render_template("matching/office_schedule.html", event=event, rows=rows)


def get_meeting(meeting_id: int) -> MatchingMeeting:
    return db.get_or_404(MatchingMeeting, meeting_id)


def _meeting_page(
    meeting: MatchingMeeting,
    move_form: MoveForm | None = None,
    cancel_form: OfficeCancelForm | None = None,
) -> str:
    event = meeting.event
    move_form = move_form or MoveForm(formdata=None, prefix="move")
    free = services.free_slots(event, meeting.msme, meeting.buyer)
    move_form.slot.choices = empty_first(
        [SelectChoice(slot.key, local_text(event, slot)) for slot in free]
    )
    return render_template(
        "matching/office_meeting.html",
        event=event,
        meeting=meeting,
        when=local_text(event, meeting),
        move_form=move_form,
        cancel_form=cancel_form or OfficeCancelForm(formdata=None, prefix="cancel"),
        planned=meeting.status in HOLDING,
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> str:
    return _meeting_page(get_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/move")
def move(meeting_id: int) -> PageResponse:
    meeting = get_meeting(meeting_id)
    form = MoveForm(prefix="move")
    form.slot.choices = empty_first(
        [SelectChoice(slot.key, slot.key) for slot in event_slots(meeting.event)]
    )
    if form.validate_on_submit():
        starts_at = parse_key(form.slot.data or "")
        assert starts_at is not None
        try:
            services.move_meeting(meeting, me(), starts_at, form.reason.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The meeting is moved; both are told."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    return _meeting_page(get_meeting(meeting_id), move_form=form), 400


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel(meeting_id: int) -> PageResponse:
    meeting = get_meeting(meeting_id)
    form = OfficeCancelForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            services.cancel_by_office(meeting, me(), form.reason.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The meeting is cancelled; both are told."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    return _meeting_page(get_meeting(meeting_id), cancel_form=form), 400
