"""The office's queue of interests left unanswered (`interests.models.Escalation`): an officer
takes one (it becomes theirs, also from another officer who took it before), keeps notes,
records contacting the MSME (by phone, WhatsApp or e-mail) and closes it with its outcome.

Taking and closing lock the escalation and check that it is still as the officer saw it, so
two officers on one page do not both take it, nor close it twice. Every step is written to
the audit log, notes and contacts with their words.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import User
from marketplace.db import db, utcnow
from marketplace.errors import ConflictError, ServiceError
from marketplace.interests.escalations import SUBJECT
from marketplace.interests.models import (
    ContactChannel,
    Escalation,
    EscalationNote,
    EscalationNoteKind,
    EscalationOutcome,
    EscalationStatus,
)
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.office.decisions import conflict_message, lock

NOTE_MAX = 2000


class EscalationError(ServiceError):
    """A rule about handling an unanswered interest was not met."""


def seen_token(escalation: Escalation) -> str:
    """What the officer saw: the status and who had taken it."""
    return f"{escalation.status.value}:{escalation.taken_by_id or ''}"


def _locked(escalation_id: int, seen: str) -> Escalation:
    escalation = lock(Escalation, escalation_id)
    if seen_token(escalation) != seen:
        raise ConflictError(conflict_message(SUBJECT, escalation.id))
    if escalation.status == EscalationStatus.CLOSED:
        raise EscalationError(_l("This unanswered interest is already closed."))
    return escalation


def _text(raw: str, required: bool, missing: LazyString | None = None) -> str:
    text = raw.strip()
    if len(text) > NOTE_MAX:
        raise EscalationError(_l("Please keep the note under %(n)d characters.", n=NOTE_MAX))
    if required and not text:
        raise EscalationError(missing or _l("Please write a note."))
    return text


def take(escalation_id: int, officer: User, seen: str) -> Escalation:
    escalation = _locked(escalation_id, seen)
    if escalation.taken_by_id == officer.id:
        return escalation
    before = {"status": escalation.status.value, "taken_by": _name(escalation.taken_by)}
    escalation.status = EscalationStatus.TAKEN
    escalation.taken_by_id = officer.id
    escalation.taken_at = utcnow()
    db.session.flush()
    record_audit(
        officer,
        AuditAction.ESCALATION_TAKEN,
        SUBJECT,
        escalation.id,
        before,
        {"status": EscalationStatus.TAKEN.value, "taken_by": officer.name},
    )
    return escalation


def _name(user: User | None) -> str | None:
    return user.name if user is not None else None


def _open(escalation: Escalation) -> None:
    if escalation.status == EscalationStatus.CLOSED:
        raise EscalationError(_l("This unanswered interest is already closed."))


def add_note(escalation: Escalation, officer: User, body: str) -> EscalationNote:
    _open(escalation)
    text = _text(body, required=True)
    note = EscalationNote(
        escalation=escalation, author_id=officer.id, kind=EscalationNoteKind.NOTE, body=text
    )
    db.session.add(note)
    db.session.flush()
    record_audit(officer, AuditAction.ESCALATION_NOTE, SUBJECT, escalation.id, reason=text)
    return note


def record_contact(
    escalation: Escalation, officer: User, channel: str, body: str
) -> EscalationNote:
    """The officer reached (or tried to reach) the MSME: how, and what was said."""
    _open(escalation)
    if channel not in {c.value for c in ContactChannel}:
        raise EscalationError(_l("Please choose how you contacted the MSME."))
    text = _text(body, required=True, missing=_l("Please write what was said."))
    note = EscalationNote(
        escalation=escalation,
        author_id=officer.id,
        kind=EscalationNoteKind.CONTACTED,
        channel=ContactChannel(channel),
        body=text,
    )
    db.session.add(note)
    db.session.flush()
    record_audit(
        officer,
        AuditAction.ESCALATION_CONTACTED,
        SUBJECT,
        escalation.id,
        after={"channel": channel},
        reason=text,
    )
    return note


def close(escalation_id: int, officer: User, seen: str, outcome: str, body: str) -> Escalation:
    """Closed with its outcome; "other" says what happened in the note."""
    if outcome not in {o.value for o in EscalationOutcome}:
        raise EscalationError(_l("Please choose how it ended."))
    text = _text(
        body,
        required=outcome == EscalationOutcome.OTHER,
        missing=_l("Please say in the note what happened."),
    )
    escalation = _locked(escalation_id, seen)
    before = {"status": escalation.status.value}
    escalation.status = EscalationStatus.CLOSED
    escalation.outcome = EscalationOutcome(outcome)
    escalation.closed_at = utcnow()
    escalation.closed_by_id = officer.id
    db.session.flush()
    record_audit(
        officer,
        AuditAction.ESCALATION_CLOSED,
        SUBJECT,
        escalation.id,
        before,
        {"status": EscalationStatus.CLOSED.value, "outcome": outcome},
        text or None,
    )
    return escalation
