"""A worker's life with a job, in this process: retries with backoff, then dead; a lease that
expired is claimed again; a worker that lost its lease keeps none of its writes; the schedule's
ticks queued once by workers at the same moment; old done jobs purged."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import begin_write, db, utcnow
from marketplace.jobs import claiming
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.queue import enqueue
from marketplace.jobs.schedule import SCHEDULE, Entry, Ticks
from marketplace.jobs.worker import Worker
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_email
from tests.jobs import tasks
from tests.jobs.helpers import jobs

pytestmark = pytest.mark.committing
LEASE = timedelta(seconds=60)


def _queue(app: Flask, name: str, payload: dict[str, object] | None = None) -> int:
    with app.app_context():
        begin_write()
        enqueue(name, payload)
        db.session.commit()
        job_id = int(db.session.scalar(sa.select(sa.func.max(Job.id))) or 0)
        db.session.remove()
        return job_id


def _set(app: Flask, job_id: int, **values: object) -> None:
    with app.app_context():
        begin_write()
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(**values))
        db.session.commit()
        db.session.remove()


def _burst(app: Flask) -> int:
    return Worker(app, burst=True, schedule=False, lease=LEASE).run()


def test_backoff_doubles_and_is_capped() -> None:
    assert [claiming.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert claiming.backoff(30) == claiming.BACKOFF_CAP == timedelta(hours=1)


def test_a_failing_job_is_retried_after_its_backoff_then_dead_with_its_error(app: Flask) -> None:
    job_id = _queue(app, "tests.fail", {"why": "the partner's server is down"})
    delays = []
    for attempt in (1, 2):
        before = utcnow()
        assert _burst(app) == 1
        (job,) = jobs(app)
        assert (job.status, job.attempts, job.locked_by) == (JobStatus.QUEUED, attempt, None)
        assert "Flaky: failing on purpose: the partner's server is down" in (job.last_error or "")
        delays.append(job.run_at - before)
        # Not due yet: a burst finds nothing to do.
        assert _burst(app) == 0
        _set(app, job_id, run_at=utcnow() - timedelta(seconds=1))
    for delay, expected in zip(delays, (claiming.backoff(1), claiming.backoff(2)), strict=True):
        assert expected <= delay <= expected + timedelta(seconds=5)

    assert _burst(app) == 1
    (job,) = jobs(app)
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.DEAD, 3, 3)
    assert job.finished_at is not None and "failing on purpose" in (job.last_error or "")
    assert _burst(app) == 0  # a dead job is never claimed


def test_a_job_runs_with_the_request_id_of_the_request_that_queued_it(app: Flask) -> None:
    tasks.RUNS.clear()
    with app.app_context():
        with app.test_request_context("/"):
            from flask import g

            g.request_id = "req-7f3a"
            begin_write()
            enqueue("tests.remember", {"n": 1})
            db.session.commit()
        db.session.remove()
    _queue(app, "tests.remember", {"n": 2})
    assert _burst(app) == 2
    assert tasks.RUNS[0] == {"n": 1, "request_id": "req-7f3a"}
    # A job queued outside any request gets an id of its own for its run.
    assert tasks.RUNS[1]["n"] == 2 and tasks.RUNS[1]["request_id"]
    assert [job.status for job in jobs(app)] == [JobStatus.DONE, JobStatus.DONE]


def test_a_running_job_whose_lease_expired_is_claimed_again(app: Flask) -> None:
    job_id = _queue(app, "tests.remember", {"n": 1})
    with app.app_context():
        first = claiming.claim("worker-a", LEASE)
        assert first is not None and first.attempt == 1
        # Running under a live lease: nobody else takes it.
        assert claiming.claim("worker-b", LEASE) is None
        db.session.remove()
    _set(app, job_id, locked_until=utcnow() - timedelta(seconds=1))
    with app.app_context():
        second = claiming.claim("worker-b", LEASE)
        assert second is not None and (second.id, second.attempt) == (job_id, 2)
        # worker-a comes back: its writes are rolled back, the job stays worker-b's.
        begin_write()
        queue_email("late@example.org", "Late", "Written by a worker that lost its lease.")
        assert claiming.mark_done(job_id, "worker-a") is False
        assert claiming.heartbeat(db.engine, job_id, "worker-a", LEASE) is False
        assert claiming.heartbeat(db.engine, job_id, "worker-b", LEASE) is True
        assert claiming.mark_done(job_id, "worker-b") is True
        assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0
        db.session.remove()
    (job,) = jobs(app)
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.DONE, 2, None)
    assert "worker-a stopped before it finished" in (job.last_error or "")


def test_a_job_whose_last_attempt_lost_its_worker_is_dead(app: Flask) -> None:
    job_id = _queue(app, "tests.fail")
    _set(
        app,
        job_id,
        status=JobStatus.RUNNING,
        attempts=3,
        locked_by="gone",
        locked_until=utcnow() - timedelta(seconds=1),
    )
    with app.app_context():
        assert claiming.claim("worker-b", LEASE) is None
        db.session.remove()
    (job,) = jobs(app)
    assert job.status == JobStatus.DEAD and "gone stopped" in (job.last_error or "")


def test_each_tick_is_queued_once_by_workers_at_the_same_moment(app: Flask) -> None:
    now = datetime(2026, 12, 7, 19, 55, 30, tzinfo=UTC)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                Ticks().queue_due(now)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    found = jobs(app)
    assert sorted(job.dedupe_key or "" for job in found) == sorted(
        entry.dedupe_key(entry.tick(now)) for entry in SCHEDULE
    )
    daily = next(job for job in found if job.name == "remind-certificates")
    assert daily.dedupe_key == "remind-certificates@2026-12-07T19:00:00+00:00"
    assert daily.run_at == datetime(2026, 12, 7, 19, 0, tzinfo=UTC)


def test_a_worker_queues_a_tick_only_when_it_begins(app: Flask) -> None:
    ticks = Ticks((Entry("tests.remember", timedelta(minutes=1)),))
    start = datetime(2026, 12, 7, 10, 0, 5, tzinfo=UTC)
    with app.app_context():
        assert ticks.queue_due(start) == ["tests.remember@2026-12-07T10:00:00+00:00"]
        assert ticks.queue_due(start + timedelta(seconds=30)) == []
        assert ticks.queue_due(start + timedelta(seconds=60)) == [
            "tests.remember@2026-12-07T10:01:00+00:00"
        ]
        # Another worker (its own memory) sees the same tick: the key lets nothing more in.
        assert Ticks(ticks.schedule).queue_due(start + timedelta(seconds=61)) == []
        db.session.remove()
    assert len(jobs(app)) == 2


def test_done_jobs_are_purged_after_their_days_and_dead_ones_kept(app: Flask) -> None:
    old, recent, dead = (_queue(app, "tests.remember", {"n": n}) for n in range(3))
    long_ago = utcnow() - timedelta(days=8)
    _set(app, old, status=JobStatus.DONE, finished_at=long_ago)
    _set(app, recent, status=JobStatus.DONE, finished_at=utcnow() - timedelta(days=1))
    _set(app, dead, status=JobStatus.DEAD, finished_at=long_ago)
    _queue(app, "purge-done-jobs")
    assert _burst(app) == 1
    assert [job.id for job in jobs(app, Job.name == "tests.remember")] == [recent, dead]
