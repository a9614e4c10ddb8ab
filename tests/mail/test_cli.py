"""`flask outbox` shows waiting mail; `flask send-outbox` delivers it or logs it."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_email
from tests.conftest import post_form
from tests.mail.smtp_server import smtp_server

PASSWORD = "lembang strawberries 7"


def _run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def _emails(app: Flask) -> list[OutboxEmail]:
    with app.app_context():
        emails = list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))
        for email in emails:
            db.session.expunge(email)
        return emails


@contextmanager
def _config(app: Flask, **values: Any) -> Iterator[None]:
    saved = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


def test_outbox_lists_the_verification_mail_with_its_link(app: Flask) -> None:
    client = app.test_client()
    post_form(
        client,
        "/auth/register",
        {
            "role": "msme",
            "name": "Rina",
            "email": "rina@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    result = _run(app, "outbox")
    assert result.exit_code == 0
    assert "To: rina@example.org" in result.output
    assert "Subject: Please verify your e-mail address" in result.output
    assert "http://127.0.0.1:8000/auth/verify/" in result.output


def test_empty_outbox_says_so(app: Flask) -> None:
    assert "No mail is waiting." in _run(app, "outbox").output
    assert "The outbox is empty." in _run(app, "outbox", "--all").output


def test_send_outbox_without_smtp_logs_and_marks_sent(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        queue_email("a@example.org", "First", "Open https://example.org/one")
        queue_email("b@example.org", "Second", "Body two")
        db.session.commit()
    caplog.set_level(logging.INFO, logger="marketplace.mail")

    result = _run(app, "send-outbox")

    assert result.exit_code == 0, result.output
    assert "Sent 2 message(s); 0 failed." in result.output
    assert "a@example.org" in caplog.text and "https://example.org/one" in caplog.text
    assert "Subject: Second" in caplog.text
    emails = _emails(app)
    assert all(e.sent_at is not None and e.attempts == 1 for e in emails)
    assert "No mail is waiting." in _run(app, "outbox").output
    listed = _run(app, "outbox", "--all").output
    assert "First" in listed and "sent " in listed
    # Nothing is sent twice.
    assert "Sent 0 message(s)" in _run(app, "send-outbox").output


def test_send_outbox_over_smtp(app: Flask) -> None:
    with app.app_context():
        queue_email("buyer@example.org", "Your link", "Open https://example.org/verify")
        db.session.commit()
    with (
        smtp_server() as mailbox,
        _config(app, MAIL_SERVER=mailbox.host, MAIL_PORT=mailbox.port, MAIL_USE_TLS=False),
    ):
        result = _run(app, "send-outbox")
    assert result.exit_code == 0, result.output
    [received] = mailbox.messages
    assert received.recipients == ["buyer@example.org"]
    assert "Subject: Your link" in received.data
    assert "https://example.org/verify" in received.data
    assert received.sender == "noreply@localhost"
    [email] = _emails(app)
    assert email.sent_at is not None


def test_failed_delivery_stays_pending_with_its_error(app: Flask) -> None:
    with app.app_context():
        queue_email("a@example.org", "Retry me", "Body")
        db.session.commit()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with _config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_USE_TLS=False):
        result = _run(app, "send-outbox")
    assert result.exit_code == 1
    assert "0 message(s); 1 failed" in result.output
    [email] = _emails(app)
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error and "ConnectionRefusedError" in email.last_error
    assert "1 failed attempt(s)" in _run(app, "outbox").output
