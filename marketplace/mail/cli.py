"""Outbox commands: `outbox` shows the mail waiting, `send-outbox` delivers it."""

from __future__ import annotations

import logging
import smtplib

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from marketplace.db import begin_write, db
from marketplace.mail.delivery import deliver
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import (
    all_emails,
    mark_failed,
    mark_sent,
    pending_emails,
)


@click.command("outbox")
@click.option("--all", "show_all", is_flag=True, help="Include mail that was already sent.")
@with_appcontext
def outbox(show_all: bool) -> None:
    """List the mail waiting to be sent, with its text, so links can be followed locally."""
    emails = db.session.scalars(all_emails() if show_all else pending_emails()).all()
    if not emails:
        click.echo("The outbox is empty." if show_all else "No mail is waiting.")
        return
    for email in emails:
        if email.sent_at is not None:
            state = f"sent {email.sent_at:%Y-%m-%d %H:%M} UTC"
        elif email.attempts:
            state = f"pending, {email.attempts} failed attempt(s): {email.last_error}"
        else:
            state = "pending"
        click.echo(f"#{email.id} ({state})")
        click.echo(f"To: {email.to_address}")
        click.echo(f"Subject: {email.subject}")
        click.echo("")
        click.echo(email.body.rstrip())
        click.echo("-" * 72)


@click.command("send-outbox")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most this many.")
@with_appcontext
def send_outbox(limit: int | None) -> None:
    """Deliver pending mail: over SMTP when MAIL_SERVER is set, into the log otherwise.

    Each message is marked sent in its own transaction, so a failure halfway loses nothing;
    a failed message stays pending with its error and is tried again on the next run.
    """
    mail_log = current_app.logger.getChild("mail")
    if mail_log.level == logging.NOTSET:
        # Without a mail server the log is where the mail goes: make sure it is shown.
        mail_log.setLevel(logging.INFO)
    ids = db.session.scalars(pending_emails().with_only_columns(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    sent = failed = 0
    for email_id in ids:
        begin_write()
        # Another worker may have taken or sent it meanwhile: lock it, skip it if so.
        email = db.session.scalar(
            sa.select(OutboxEmail)
            .where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        if email is None:
            db.session.rollback()
            continue
        try:
            deliver(email)
        except (OSError, smtplib.SMTPException) as error:
            mark_failed(email, f"{type(error).__name__}: {error}")
            failed += 1
        else:
            mark_sent(email)
            sent += 1
        db.session.commit()
    click.echo(f"Sent {sent} message(s); {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)
