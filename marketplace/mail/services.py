"""The outbox: e-mails are written in the same transaction as the change they report.

Nothing here talks to a mail server: each message is queued with a job that delivers it
(`mail.tasks`, run by `flask worker`), in the same transaction, and `flask send-outbox` delivers
whatever is still pending (see `marketplace.mail.sending`). A rolled-back change therefore never
sends a message, and a committed one always has its job.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from marketplace.dates import force_timezone
from marketplace.db import db, utcnow
from marketplace.jobs.queue import enqueue
from marketplace.mail.models import OutboxEmail


def queue_email(to: str, subject: str, body: str) -> OutboxEmail:
    """Add a message to the outbox, and the job that delivers it, in the caller's transaction."""
    email = OutboxEmail(to_address=to, subject=subject[:200], body=body)
    db.session.add(email)
    db.session.flush()
    enqueue("send-email", {"email_id": email.id})
    return email


def queue_template_email(
    to: str,
    locale: str,
    subject: str | LazyString,
    template: str,
    *,
    timezone: str | None = None,
    **context: Any,
) -> OutboxEmail:
    """Render `templates/email/<template>.txt` and its subject in the recipient's language,
    and its times in the recipient's zone when it is known (else the request's)."""
    with force_locale(locale), force_timezone(timezone) if timezone else nullcontext():
        rendered_subject = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    return queue_email(to, rendered_subject, body)


def pending_emails() -> sa.Select[OutboxEmail]:
    """Mail not yet delivered, oldest first."""
    return sa.select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id)


def all_emails() -> sa.Select[OutboxEmail]:
    return sa.select(OutboxEmail).order_by(OutboxEmail.id)


def mark_sent(email: OutboxEmail) -> None:
    email.sent_at = utcnow()
    email.attempts += 1
    email.last_error = None
    db.session.flush()


def mark_failed(email: OutboxEmail, error: str) -> None:
    """Keep the message pending so the next run tries again, and remember why it failed."""
    email.attempts += 1
    email.last_error = error[:2000]
    db.session.flush()
