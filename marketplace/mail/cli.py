"""Outbox commands: `outbox` shows the mail waiting, `send-outbox` delivers it."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.db import db
from marketplace.mail.sending import send_pending
from marketplace.mail.services import all_emails, pending_emails


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
    sweep = send_pending(limit)
    click.echo(f"Sent {sweep.sent} message(s); {sweep.failed} failed.")
    if sweep.failed:
        raise click.exceptions.Exit(1)
