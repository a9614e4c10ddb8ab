"""Interests that reach the office unanswered: each gets an `Escalation` in the office's queue
when `flask remind-unanswered` tells the officers (see `reminders`).

An escalation nobody has taken yet closes by itself when the MSME replies (its outcome: the
MSME replied); one an officer has taken stays with them, and their queue shows that the MSME
replied meanwhile, so they can close it after a word with the MSME. The officers' own steps
(take, note, contacted, close) are the office's: `office.escalations`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from marketplace.db import db
from marketplace.interests.models import (
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    Interest,
)
from marketplace.ledger.audit import AuditAction, record_audit

SUBJECT = "escalation"  # the audit log's kind of record


def open_escalation(interest: Interest, now: datetime) -> Escalation:
    """The interest's escalation, opened now (an existing one is returned as it is)."""
    found = db.session.scalar(sa.select(Escalation).where(Escalation.interest_id == interest.id))
    if found is not None:
        return found
    escalation = Escalation(interest=interest, created_at=now)
    db.session.add(escalation)
    db.session.flush()
    record_audit(
        None,
        AuditAction.ESCALATION_OPENED,
        SUBJECT,
        escalation.id,
        after={"status": EscalationStatus.OPEN.value, "interest": interest.id},
    )
    return escalation


def close_on_reply(interest: Interest, at: datetime) -> None:
    """The MSME answered: an escalation still waiting for an officer is closed."""
    escalation = db.session.scalar(
        sa.select(Escalation).where(
            Escalation.interest_id == interest.id, Escalation.status == EscalationStatus.OPEN
        )
    )
    if escalation is None:
        return
    escalation.status = EscalationStatus.CLOSED
    escalation.outcome = EscalationOutcome.MSME_REPLIED
    escalation.closed_at = at
    db.session.flush()
    record_audit(
        None,
        AuditAction.ESCALATION_CLOSED,
        SUBJECT,
        escalation.id,
        before={"status": EscalationStatus.OPEN.value},
        after={
            "status": EscalationStatus.CLOSED.value,
            "outcome": EscalationOutcome.MSME_REPLIED.value,
        },
    )
