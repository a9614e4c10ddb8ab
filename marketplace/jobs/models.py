"""The jobs table: one row per piece of background work, from queued to done or dead."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, created_at, intpk, str_enum, utcnow

DEFAULT_MAX_ATTEMPTS = 5


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


_HAS_DEDUPE_KEY = sa.text("dedupe_key IS NOT NULL")


class Job(Base):
    """A task to run by name with its payload. A running job belongs to `locked_by` until
    `locked_until` (its lease, extended while it runs); once that has passed the job may be
    claimed again, as when its worker died."""

    __tablename__ = "jobs"
    __table_args__ = (
        # Claiming: the due queued jobs in order, and the running ones whose lease expired.
        sa.Index("ix_jobs_status_run_at", "status", "run_at"),
        sa.Index("ix_jobs_status_locked_until", "status", "locked_until"),
        # The office's counts by name, and the purge of old done jobs.
        sa.Index("ix_jobs_name_status", "name", "status"),
        sa.Index("ix_jobs_status_finished_at", "status", "finished_at"),
        sa.Index(
            "uq_jobs_dedupe_key",
            "dedupe_key",
            unique=True,
            sqlite_where=_HAS_DEDUPE_KEY,
            postgresql_where=_HAS_DEDUPE_KEY,
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("max_attempts >= 1", name="max_attempts_positive"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=DEFAULT_MAX_ATTEMPTS)
    locked_by: Mapped[str | None] = mapped_column(sa.String(120))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.String(80))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None]
