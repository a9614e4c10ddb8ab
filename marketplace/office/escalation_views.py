"""Interests left unanswered that reached the office (`office.escalations`): the queue, and one
escalation's page with the MSME's contact details, the conversation, the notes and contacts
recorded, and the steps an officer takes (take it, add a note, record a contact, close it)."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from marketplace.accounts.current import me
from marketplace.db import db, found_or_404
from marketplace.interests.models import Escalation, EscalationStatus
from marketplace.office import escalations, queries
from marketplace.office.blueprint import bp, office_queue_counts
from marketplace.office.forms import (
    CloseEscalationForm,
    ContactForm,
    DecisionForm,
    EscalationNoteForm,
)
from marketplace.office.review_views import PageResponse, decide, history

CLOSED_SHOWN = 20
QUEUE_PAGE = 200


@bp.get("/queues/unanswered")
def escalation_queue() -> str:
    return render_template(
        "office/queue_escalations.html",
        waiting=db.session.scalars(queries.waiting_escalations().limit(QUEUE_PAGE)).all(),
        closed=db.session.scalars(queries.closed_escalations().limit(CLOSED_SHOWN)).all(),
        counts=office_queue_counts(),
        me=me(),
    )


def _escalation(escalation_id: int) -> Escalation:
    found: Escalation = found_or_404(queries.escalation(escalation_id))
    return found


def _page(
    escalation: Escalation,
    note: EscalationNoteForm | None = None,
    contact: ContactForm | None = None,
    close: CloseEscalationForm | None = None,
) -> str:
    seen = escalations.seen_token(escalation)
    return render_template(
        "office/escalation.html",
        escalation=escalation,
        interest=escalation.interest,
        business=escalation.interest.product.business,
        is_open=escalation.status != EscalationStatus.CLOSED,
        mine=escalation.taken_by_id == me().id,
        take_form=DecisionForm(formdata=None, data={"seen": seen}, prefix="take"),
        note_form=note or EscalationNoteForm(formdata=None, prefix="note"),
        contact_form=contact or ContactForm(formdata=None, prefix="contact"),
        close_form=close or CloseEscalationForm(formdata=None, data={"seen": seen}, prefix="close"),
        history=history(escalations.SUBJECT, escalation.id),
    )


@bp.get("/unanswered/<int:escalation_id>")
def escalation(escalation_id: int) -> str:
    return _page(_escalation(escalation_id))


def _back(escalation_id: int) -> str:
    return url_for(".escalation", escalation_id=escalation_id)


@bp.post("/unanswered/<int:escalation_id>/take")
def take_escalation(escalation_id: int) -> PageResponse:
    found = _escalation(escalation_id)
    form = DecisionForm(prefix="take")
    if not form.validate_on_submit():
        return _page(found), 400
    seen = form.seen.data or ""
    back = _back(escalation_id)
    return decide(
        lambda: escalations.take(escalation_id, me(), seen), _("It is yours now."), back, back
    )


@bp.post("/unanswered/<int:escalation_id>/note")
def note_escalation(escalation_id: int) -> PageResponse:
    found = _escalation(escalation_id)
    form = EscalationNoteForm(prefix="note")
    if not form.validate_on_submit():
        return _page(found, note=form), 400
    body = form.body.data or ""
    back = _back(escalation_id)
    return decide(
        lambda: escalations.add_note(found, me(), body), _("The note is saved."), back, back
    )


@bp.post("/unanswered/<int:escalation_id>/contacted")
def contacted_escalation(escalation_id: int) -> PageResponse:
    found = _escalation(escalation_id)
    form = ContactForm(prefix="contact")
    if not form.validate_on_submit():
        return _page(found, contact=form), 400
    channel, body = form.channel.data or "", form.body.data or ""
    back = _back(escalation_id)
    return decide(
        lambda: escalations.record_contact(found, me(), channel, body),
        _("Your contact with the MSME is recorded."),
        back,
        back,
    )


@bp.post("/unanswered/<int:escalation_id>/close")
def close_escalation(escalation_id: int) -> PageResponse:
    found = _escalation(escalation_id)
    form = CloseEscalationForm(prefix="close")
    if not form.validate_on_submit():
        return _page(found, close=form), 400
    seen, outcome, note = form.seen.data or "", form.outcome.data or "", form.note.data or ""
    return decide(
        lambda: escalations.close(escalation_id, me(), seen, outcome, note),
        _("The unanswered interest is closed."),
        _back(escalation_id),
        url_for(".escalation_queue"),
    )
