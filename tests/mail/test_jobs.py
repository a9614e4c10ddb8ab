"""Each outbox message is delivered by its own job, once: the message is locked and skipped
when sent; a refusal is recorded on the message and the job is tried again later; the sweep
leaves the newest messages to their jobs."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import begin_write, db, utcnow
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.worker import Worker
from marketplace.mail.models import OutboxEmail
from marketplace.mail.sending import send_one, send_pending
from marketplace.mail.services import queue_email
from tests.mail.smtp_server import smtp_server
from tests.mail.test_cli import _config, _emails


def test_a_message_is_delivered_once_however_often_its_job_runs(ctx: Flask) -> None:
    begin_write()
    email = queue_email("buyer@example.org", "Hello", "Body")
    assert send_one(email.id) is True
    assert send_one(email.id) is False
    assert email.sent_at is not None and email.attempts == 1


def test_the_sweep_leaves_the_newest_messages_to_their_jobs(ctx: Flask) -> None:
    begin_write()
    old = queue_email("old@example.org", "Old", "Body")
    new = queue_email("new@example.org", "New", "Body")
    old.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    sweep = send_pending(older_than=timedelta(minutes=2))
    assert (sweep.sent, sweep.failed) == (1, 0)
    assert old.sent_at is not None and new.sent_at is None


@pytest.mark.committing
def test_the_worker_delivers_each_message_over_smtp_by_its_job(app: Flask) -> None:
    with app.app_context():
        begin_write()
        queue_email("buyer@example.org", "Your link", "Open https://example.org/verify")
        db.session.commit()
    with (
        smtp_server() as mailbox,
        _config(app, MAIL_SERVER=mailbox.host, MAIL_PORT=mailbox.port, MAIL_USE_TLS=False),
    ):
        assert Worker(app, burst=True, schedule=False).run() == 1
    [received] = mailbox.messages
    assert received.recipients == ["buyer@example.org"]
    [email] = _emails(app)
    assert email.sent_at is not None
    with app.app_context():
        job = db.session.scalars(sa.select(Job)).one()
        assert (job.name, job.status, job.attempts) == ("send-email", JobStatus.DONE, 1)
        db.session.remove()


@pytest.mark.committing
def test_a_refused_message_stays_pending_and_its_job_is_retried_later(app: Flask) -> None:
    with app.app_context():
        begin_write()
        queue_email("a@example.org", "Retry me", "Body")
        db.session.commit()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with _config(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_USE_TLS=False):
        assert Worker(app, burst=True, schedule=False).run() == 1
    [email] = _emails(app)
    assert email.sent_at is None and email.attempts == 1
    assert "ConnectionRefusedError" in (email.last_error or "")
    with app.app_context():
        job = db.session.scalars(sa.select(Job)).one()
        assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
        assert job.run_at > utcnow() and "DeliveryFailed" in (job.last_error or "")
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 1
        db.session.remove()
