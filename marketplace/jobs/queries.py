"""What the office reads of the queue: counts per task and status, and the dead-letter list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.jobs.models import Job, JobStatus

# A job due this long ago and still queued is late: no worker is taking the queue's work.
LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class NameCounts:
    name: str
    queued: int
    running: int
    late: int
    dead: int


def counts_by_name(now: datetime) -> sa.Select[str, int, int, int, int]:
    """Per task name: queued (due or waiting for a retry), running, late (queued and due
    for over LATE_AFTER, or running past its lease: its worker died) and dead; done jobs are
    not counted."""
    late = sa.or_(
        sa.and_(Job.status == JobStatus.QUEUED, Job.run_at < now - LATE_AFTER),
        sa.and_(Job.status == JobStatus.RUNNING, Job.locked_until < now),
    )

    def count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.count().filter(condition)

    return (
        sa.select(
            Job.name,
            count(Job.status == JobStatus.QUEUED).label("queued"),
            count(Job.status == JobStatus.RUNNING).label("running"),
            count(late).label("late"),
            count(Job.status == JobStatus.DEAD).label("dead"),
        )
        .where(Job.status != JobStatus.DONE)
        .group_by(Job.name)
        .order_by(Job.name)
    )


def dead_jobs() -> sa.Select[Job]:
    """The dead-letter list: jobs that failed their last attempt, the latest first."""
    return (
        sa.select(Job)
        .where(Job.status == JobStatus.DEAD)
        .order_by(Job.finished_at.desc(), Job.id.desc())
    )
