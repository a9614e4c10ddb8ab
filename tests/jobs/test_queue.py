"""Queueing: a job commits or rolls back with the caller's transaction; a dedupe key queues one
job; the request that queued it is remembered; e-mail is queued with its delivery job."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask, g

from marketplace.db import begin_write, db
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.queue import UnknownTask, enqueue
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_email
from tests.jobs import tasks  # noqa: F401  (registers the tests' tasks)
from tests.jobs.helpers import jobs


def _count(*conditions: object) -> int:
    return int(db.session.scalar(sa.select(sa.func.count(Job.id)).where(*conditions)) or 0)


@pytest.mark.committing
def test_a_rolled_back_transaction_queues_nothing_a_committed_one_its_job(app: Flask) -> None:
    with app.app_context():
        begin_write()
        email = queue_email("rolled@example.org", "Lost", "Never sent.")
        enqueue("tests.remember", {"n": 1})
        assert email.id is not None
        db.session.rollback()

        begin_write()
        kept = queue_email("kept@example.org", "Kept", "Sent.")
        kept_id = kept.id
        db.session.commit()

    # Read back on a fresh session: only the committed change and its job exist.
    found = jobs(app)
    assert [(job.name, job.payload) for job in found] == [("send-email", {"email_id": kept_id})]
    assert found[0].status == JobStatus.QUEUED and found[0].attempts == 0
    with app.app_context():
        addresses = db.session.scalars(sa.select(OutboxEmail.to_address)).all()
        db.session.remove()
    assert addresses == ["kept@example.org"]


def test_a_duplicate_dedupe_key_queues_nothing_more_and_is_no_error(ctx: Flask) -> None:
    begin_write()
    assert enqueue("tests.remember", {"n": 1}, dedupe_key="daily@2026-12-07") is True
    assert enqueue("tests.remember", {"n": 2}, dedupe_key="daily@2026-12-07") is False
    # The transaction goes on after the conflict (a failed INSERT would abort it on PostgreSQL).
    assert enqueue("tests.remember", {"n": 3}, dedupe_key="daily@2026-12-08") is True
    assert enqueue("tests.remember", {"n": 4}) is True
    assert enqueue("tests.remember", {"n": 5}) is True
    db.session.commit()
    payloads = db.session.scalars(sa.select(Job.payload).order_by(Job.id)).all()
    assert payloads == [{"n": 1}, {"n": 3}, {"n": 4}, {"n": 5}]


def test_the_request_id_is_kept_on_the_job(ctx: Flask) -> None:
    g.request_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    enqueue("tests.remember")
    enqueue("send-email", {"email_id": 1}, dedupe_key="x")
    g.pop("request_id")
    enqueue("tests.remember", {"outside": True})
    db.session.flush()
    found = db.session.scalars(sa.select(Job.request_id).order_by(Job.id)).all()
    assert found == ["4bf92f3577b34da6a3ce929d0e0e4736"] * 2 + [None]


def test_an_unknown_task_is_refused_at_once(ctx: Flask) -> None:
    with pytest.raises(UnknownTask):
        enqueue("no-such-task")
    assert _count() == 0


def test_a_queued_email_has_its_delivery_job_in_the_same_transaction(ctx: Flask) -> None:
    begin_write()
    email = queue_email("buyer@example.org", "Hello", "Body")
    job = db.session.scalars(sa.select(Job)).one()
    assert (job.name, job.payload, job.status) == (
        "send-email",
        {"email_id": email.id},
        JobStatus.QUEUED,
    )
