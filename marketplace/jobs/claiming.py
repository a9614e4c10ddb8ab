"""A job's life in the worker: claimed under a lease, run, then done, retried later or dead.

Claiming is one short write transaction. On PostgreSQL the row is read with
`FOR UPDATE SKIP LOCKED`, so workers on several hosts each take a different row and never wait
on one another; on SQLite the write transaction (`begin_write`, BEGIN IMMEDIATE) makes the
claimer the only writer until it commits. A running job whose lease has passed is claimable
again: its worker died, or stopped extending the lease (`heartbeat`).

A job is marked done in the transaction of its task's last writes, and only if it is still this
worker's: a worker that lost its lease (another has claimed the job again) rolls its writes
back, so an effect kept in the database happens once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from marketplace.db import begin_write, db, utcnow, write_now
from marketplace.jobs.models import Job, JobStatus

BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)
ERROR_MAX = 4000


def backoff(attempts: int) -> timedelta:
    """How long a job waits after its `attempts`-th failure: 10 s, 20 s, 40 s... at most 1 h."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of a claimed job, outside the transaction that claimed it."""

    id: int
    name: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    request_id: str | None


def claimable(now: datetime) -> sa.Select[Job]:
    """Due queued jobs and running jobs whose lease has passed, oldest due first."""
    return (
        sa.select(Job)
        .where(
            sa.or_(
                sa.and_(Job.status == JobStatus.QUEUED, Job.run_at <= now),
                sa.and_(Job.status == JobStatus.RUNNING, Job.locked_until < now),
            )
        )
        .order_by(Job.run_at, Job.id)
        .limit(1)
    )


def claim(worker: str, lease: timedelta) -> Claimed | None:
    """Take the next due job for `worker` until now + `lease`, committed; None when none is due."""
    session = db.session()
    while True:
        begin_write()
        now = utcnow()
        statement = claimable(now)
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        job = session.scalars(statement).first()
        if job is None:
            session.rollback()
            return None
        if job.status == JobStatus.RUNNING:
            lost = f"The worker {job.locked_by} stopped before it finished (its lease expired)."
            job.last_error = lost
            if job.attempts >= job.max_attempts:
                _finish(job, JobStatus.DEAD, now)
                session.commit()
                continue
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.locked_by = worker
        job.locked_until = now + lease
        claimed = Claimed(
            job.id,
            job.name,
            dict(job.payload or {}),
            job.attempts,
            job.max_attempts,
            job.request_id,
        )
        session.commit()
        return claimed


def _finish(job: Job, status: JobStatus, now: datetime) -> None:
    job.status = status
    job.locked_by = None
    job.locked_until = None
    job.finished_at = now


def _own(job_id: int, worker: str) -> Job | None:
    """The job, locked, if it is still running under `worker`'s lease."""
    return db.session.scalar(
        sa.select(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.locked_by == worker)
        .with_for_update()
    )


def mark_done(job_id: int, worker: str) -> bool:
    """Commit the task's writes with the job marked done; False (and everything rolled back)
    when the job is no longer this worker's."""
    write_now()
    job = _own(job_id, worker)
    if job is None:
        db.session.rollback()
        return False
    _finish(job, JobStatus.DONE, utcnow())
    db.session.commit()
    return True


def mark_failed(job_id: int, worker: str, error: str) -> JobStatus | None:
    """After a failure (the task's writes already rolled back): queue the job again after its
    backoff, or make it dead after its last attempt. None when it is no longer this worker's."""
    db.session.rollback()
    begin_write()
    job = _own(job_id, worker)
    if job is None:
        db.session.rollback()
        return None
    now = utcnow()
    job.last_error = error[:ERROR_MAX]
    if job.attempts >= job.max_attempts:
        _finish(job, JobStatus.DEAD, now)
    else:
        job.status = JobStatus.QUEUED
        job.run_at = now + backoff(job.attempts)
        job.locked_by = None
        job.locked_until = None
    status = job.status
    db.session.commit()
    return status


def heartbeat(engine: Engine, job_id: int, worker: str, lease: timedelta) -> bool:
    """Extend the lease of a running job, on a connection of its own (the task's transaction
    may be open); False when the job is no longer this worker's."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.locked_by == worker)
            .values(locked_until=utcnow() + lease)
        )
    return bool(result.rowcount)


def purge_done(older_than: timedelta) -> int:
    """Delete the jobs done longer ago than `older_than` (dead ones stay for the office)."""
    begin_write()
    result = db.session.execute(
        sa.delete(Job).where(Job.status == JobStatus.DONE, Job.finished_at < utcnow() - older_than),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
