"""Business matching for its participants (/matching): MSME owners and buyers register for an
event, browse the other side, ask for meetings and answer them, and take their agenda along
as a page, a PDF and a calendar file.

Everything is the person's own: another participant's meeting does not exist for them (404),
and an event's inner pages send someone not registered to the event's page to register.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.accounts.zones import zone_of
from marketplace.channels.pages import pdf_response
from marketplace.dates import viewer_zone
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.matching import agenda, queries, services
from marketplace.matching.forms import (
    AnswerForm,
    CancelForm,
    MeetingRequestForm,
    RegistrationForm,
    empty_first,
)
from marketplace.matching.models import (
    EventStatus,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    MeetingStatus,
    Side,
)
from marketplace.matching.slots import Slot, event_end, event_start, parse_key
from marketplace.matching.tell import display_name
from marketplace.reference.models import Subsector

bp = Blueprint("matching", __name__, url_prefix="/matching")
restrict_blueprint(bp, Role.MSME, Role.BUYER)

PageResponse = str | Response | tuple[str, int]


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"matching_name": display_name, "matching_from": agenda.whereabouts}


def get_event(event_id: int) -> MatchingEvent:
    event = db.session.get(MatchingEvent, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        abort(404)
    return event


def get_meeting(meeting_id: int) -> tuple[MatchingMeeting, MatchingParticipant]:
    """The meeting and the signed-in person's part in it; anyone else's meeting is 404."""
    meeting = db.session.get(MatchingMeeting, meeting_id)
    mine = meeting.party(me().id) if meeting is not None else None
    if meeting is None or mine is None:
        abort(404)
    return meeting, mine


def reader_locale() -> str:
    return str(get_locale() or "en")


def subsector_choices() -> list[SelectChoice]:
    locale = reader_locale()
    subsectors = db.session.scalars(sa.select(Subsector).order_by(Subsector.name_en))
    return [SelectChoice(s.code, s.name_for(locale)) for s in subsectors]


def slot_choices(slots: list[Slot]) -> list[SelectChoice]:
    """Each slot in the reader's zone and language."""
    zone, locale = viewer_zone(), reader_locale()
    return empty_first(
        [
            SelectChoice(slot.key, agenda.slot_text(slot.starts_at, slot.ends_at, zone, locale))
            for slot in slots
        ]
    )


@bp.get("/")
def index() -> str:
    events = db.session.scalars(queries.shown_events()).all()
    mine = set(db.session.scalars(queries.registrations(me())))
    return render_template("matching/index.html", events=events, mine=mine)


def _event_page(
    event: MatchingEvent, form: RegistrationForm | None = None, status: int = 200
) -> PageResponse:
    participant = services.participant_of(event, me())
    meetings = (
        db.session.scalars(queries.meetings_of_participant(participant)).all()
        if participant
        else []
    )
    refused = services.why_not_register(event, me()) if participant is None else None
    if form is None and participant is None and refused is None:
        form = RegistrationForm(formdata=None)
    if form is not None:
        form.subsectors.choices = subsector_choices()
    html = render_template(
        "matching/event.html",
        event=event,
        participant=participant,
        meetings=meetings,
        form=form,
        refused=refused,
        starts_at=event_start(event),
        ends_at=event_end(event),
    )
    return (html, status) if status != 200 else html


@bp.get("/<int:event_id>")
def event(event_id: int) -> PageResponse:
    return _event_page(get_event(event_id))


@bp.post("/<int:event_id>/register")
def register(event_id: int) -> PageResponse:
    event = get_event(event_id)
    form = RegistrationForm()
    form.subsectors.choices = subsector_choices()
    if not form.validate_on_submit():
        return _event_page(event, form, 400)
    try:
        services.register(
            event, me(), form.offer.data or "", form.seek.data or "", form.subsectors.data or []
        )
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _event_page(get_event(event_id), form, 400)
    db.session.commit()
    flash(_("You are registered for %(event)s.", event=event.name), "success")
    return redirect(url_for(".participants", event_id=event.id))


def _registered(event: MatchingEvent) -> MatchingParticipant | None:
    participant = services.participant_of(event, me())
    if participant is None:
        flash(_("Register for the event first."), "info")
    return participant


@bp.get("/<int:event_id>/participants")
def participants(event_id: int) -> PageResponse:
    event = get_event(event_id)
    mine = _registered(event)
    if mine is None:
        return redirect(url_for(".event", event_id=event.id))
    subsector = request.args.get("subsector", "")
    choices = subsector_choices()
    if subsector not in {choice.value for choice in choices}:
        subsector = ""
    others = db.session.scalars(
        queries.side_of_event(event, mine.side.other, subsector or None)
    ).all()
    return render_template(
        "matching/participants.html",
        event=event,
        mine=mine,
        others=others,
        subsectors=choices,
        subsector=subsector,
    )


def get_other(
    event: MatchingEvent, mine: MatchingParticipant, participant_id: int
) -> MatchingParticipant:
    other = db.session.get(MatchingParticipant, participant_id)
    if other is None or other.event_id != event.id or other.side == mine.side:
        abort(404)
    return other


@bp.route("/<int:event_id>/participants/<int:participant_id>", methods=["GET", "POST"])
def participant(event_id: int, participant_id: int) -> PageResponse:
    event = get_event(event_id)
    mine = _registered(event)
    if mine is None:
        return redirect(url_for(".event", event_id=event.id))
    other = get_other(event, mine, participant_id)
    form = MeetingRequestForm()
    if form.is_submitted():
        # Any of the event's slots is read; one taken since the page was shown is refused by
        # the service, which says why.
        form.slot.choices = slot_choices(services.free_slots(event))
        if form.validate():
            starts_at = parse_key(form.slot.data or "")
            assert starts_at is not None
            try:
                meeting = services.request_meeting(mine, other, starts_at, form.note.data or "")
            except ServiceError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                db.session.commit()
                flash(_("Your request is sent. You will hear when they answer."), "success")
                return redirect(url_for(".meeting", meeting_id=meeting.id))
    form.slot.choices = slot_choices(services.free_slots(event, mine, other))
    msme, buyer = (mine, other) if mine.side is Side.MSME else (other, mine)
    open_meeting = services.open_meeting_between(msme, buyer)
    html = render_template(
        "matching/participant.html",
        event=event,
        mine=mine,
        other=other,
        form=form,
        open_meeting=open_meeting,
    )
    return (html, 400) if form.is_submitted() else html


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> str:
    meeting, mine = get_meeting(meeting_id)
    return _meeting_page(meeting, mine)


def _meeting_page(
    meeting: MatchingMeeting,
    mine: MatchingParticipant,
    accept_form: AnswerForm | None = None,
    decline_form: AnswerForm | None = None,
    cancel_form: CancelForm | None = None,
    problem: str | None = None,
) -> str:
    """The meeting with the forms its reader may use; `problem`: why their last one failed."""
    answering = meeting.status == MeetingStatus.REQUESTED and meeting.invitee.id == mine.id
    return render_template(
        "matching/meeting.html",
        meeting=meeting,
        mine=mine,
        other=meeting.other(mine),
        accept_form=accept_form or AnswerForm(formdata=None, prefix="accept"),
        decline_form=decline_form or AnswerForm(formdata=None, prefix="decline"),
        cancel_form=cancel_form or CancelForm(formdata=None, prefix="cancel"),
        answering=answering,
        cancellable=meeting.status in (MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED),
        problem=problem,
    )


@bp.post("/meetings/<int:meeting_id>/accept")
def accept(meeting_id: int) -> PageResponse:
    return _answer(meeting_id, accepted=True)


@bp.post("/meetings/<int:meeting_id>/decline")
def decline(meeting_id: int) -> PageResponse:
    return _answer(meeting_id, accepted=False)


def _answer(meeting_id: int, accepted: bool) -> PageResponse:
    meeting, mine = get_meeting(meeting_id)
    form = AnswerForm(prefix="accept" if accepted else "decline")
    problem = None
    if form.validate_on_submit():
        answer = services.accept_meeting if accepted else services.decline_meeting
        try:
            answer(meeting, mine, form.note.data or "")
        except ServiceError as error:
            db.session.rollback()
            problem = str(error.message)
            meeting, mine = get_meeting(meeting_id)
        else:
            db.session.commit()
            flash(
                _("The meeting is accepted.") if accepted else _("The request is declined."),
                "success",
            )
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    if accepted:
        return _meeting_page(meeting, mine, accept_form=form, problem=problem), 400
    return _meeting_page(meeting, mine, decline_form=form, problem=problem), 400


@bp.post("/meetings/<int:meeting_id>/cancel")
def cancel(meeting_id: int) -> PageResponse:
    meeting, mine = get_meeting(meeting_id)
    form = CancelForm(prefix="cancel")
    problem = None
    if form.validate_on_submit():
        try:
            services.cancel_meeting(meeting, mine, form.reason.data or "")
        except ServiceError as error:
            db.session.rollback()
            problem = str(error.message)
            meeting, mine = get_meeting(meeting_id)
        else:
            db.session.commit()
            flash(_("The meeting is cancelled; the time is free again."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, mine, cancel_form=form, problem=problem), 400


def _own_agenda(event_id: int) -> tuple[MatchingEvent, MatchingParticipant]:
    """The event and the signed-in person's registration, whose agenda is written in their
    own zone (saved, else a buyer's partner city's, else Bandung's) and language."""
    event = get_event(event_id)
    mine = services.participant_of(event, me())
    if mine is None:
        abort(404)
    return event, mine


@bp.get("/<int:event_id>/agenda")
def agenda_page(event_id: int) -> str:
    event, mine = _own_agenda(event_id)
    zone, locale = zone_of(mine.user), reader_locale()
    items = [
        (item, agenda.slot_text(item.meeting.starts_at, item.meeting.ends_at, zone, locale))
        for item in agenda.agenda_items(mine)
    ]
    return render_template("matching/agenda.html", event=event, mine=mine, items=items, zone=zone)


@bp.get("/<int:event_id>/agenda.pdf")
def agenda_pdf(event_id: int) -> Response:
    event, mine = _own_agenda(event_id)
    data = agenda.agenda_pdf(mine, agenda.agenda_items(mine), zone_of(mine.user), reader_locale())
    return pdf_response(data, f"agenda-{event.id}.pdf", private=True)


@bp.get("/<int:event_id>/agenda.ics")
def agenda_ics(event_id: int) -> Response:
    event, mine = _own_agenda(event_id)
    data = agenda.agenda_ics(mine, agenda.agenda_items(mine), zone_of(mine.user), reader_locale())
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="agenda-{event.id}.ics"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
