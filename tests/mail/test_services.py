"""The outbox: mail is written in the caller's transaction and rendered from text templates."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from marketplace.db import db
from marketplace.mail import services
from marketplace.mail.models import OutboxEmail


def test_queue_email_adds_a_pending_message(ctx: Flask) -> None:
    email = services.queue_email("a@example.org", "Hello", "Body")
    assert email.id is not None
    assert email.sent_at is None and email.attempts == 0
    assert db.session.scalars(services.pending_emails()).all() == [email]


def test_queued_mail_disappears_with_a_rolled_back_transaction(app: Flask) -> None:
    with app.app_context():
        services.queue_email("a@example.org", "Hello", "Body")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 0


def test_template_mail_is_rendered_with_its_context(ctx: Flask) -> None:
    email = services.queue_template_email(
        "b@example.org",
        "id",
        _l("Reset your password"),
        "reset_password",
        name="Budi",
        link="https://example.org/x",
        minutes=60,
    )
    assert email.subject  # rendered under the recipient's locale, whatever the catalog holds
    assert "Budi" in email.body
    assert "https://example.org/x" in email.body
    assert "60 minutes" in email.body or "60 menit" in email.body


def test_pending_and_sent_are_told_apart(ctx: Flask) -> None:
    first = services.queue_email("a@example.org", "One", "1")
    second = services.queue_email("b@example.org", "Two", "2")
    services.mark_sent(first)
    services.mark_failed(second, "Connection refused")
    assert db.session.scalars(services.pending_emails()).all() == [second]
    assert db.session.scalars(services.all_emails()).all() == [first, second]
    assert (second.attempts, second.last_error) == (1, "Connection refused")
    assert first.sent_at is not None and first.last_error is None
