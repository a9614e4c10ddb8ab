"""Delivering the outbox: one message (the job queued with it) or every pending one (the sweep
of `flask send-outbox` and the schedule's safety net). A message is locked while it is sent and
marked sent in the same transaction, so two senders never both deliver it."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from marketplace.db import begin_write, db, utcnow
from marketplace.mail.delivery import deliver
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import mark_failed, mark_sent, pending_emails


class DeliveryFailed(RuntimeError):
    """The mail server refused a message; it stays pending with its error."""


@dataclass
class Sweep:
    sent: int = 0
    failed: int = 0


def _locked_pending(email_id: int) -> OutboxEmail | None:
    """The message, locked, unless it is sent or another sender holds it right now."""
    return db.session.scalar(
        sa.select(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None))
        .with_for_update(skip_locked=True)
    )


def _try(email: OutboxEmail) -> str | None:
    """Deliver and mark; the error's text when the server refused it."""
    try:
        deliver(email)
    except (OSError, smtplib.SMTPException) as error:
        text = f"{type(error).__name__}: {error}"
        mark_failed(email, text)
        return text
    mark_sent(email)
    return None


def send_one(email_id: int) -> bool:
    """Deliver one message unless it is sent already; whether this call sent it. Leaves the
    transaction open: the job that calls it commits with its own outcome. A refusal is
    recorded on the message and committed, then raised, so that the job tries again later."""
    begin_write()
    email = _locked_pending(email_id)
    if email is None:
        return False
    error = _try(email)
    if error is not None:
        db.session.commit()
        raise DeliveryFailed(error)
    return True


def send_pending(limit: int | None = None, older_than: timedelta | None = None) -> Sweep:
    """Deliver pending mail oldest first, each message in its own transaction, so a failure
    halfway loses nothing; `older_than` leaves the newest to the jobs queued with them."""
    query = pending_emails().with_only_columns(OutboxEmail.id).limit(limit)
    if older_than is not None:
        query = query.where(OutboxEmail.created_at < utcnow() - older_than)
    ids = db.session.scalars(query).all()
    db.session.rollback()
    sweep = Sweep()
    for email_id in ids:
        begin_write()
        email = _locked_pending(email_id)
        if email is None:
            db.session.rollback()
            continue
        if _try(email) is None:
            sweep.sent += 1
        else:
            sweep.failed += 1
        db.session.commit()
    return sweep
