"""The office's moves on the dead-letter list of background jobs: run a dead job again (from
its first attempt) or discard it. Each is decided once (the job is locked and must still be
dead) and written to the audit log with the job's task and payload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.db import db, utcnow
from marketplace.errors import ConflictError
from marketplace.jobs.models import Job, JobStatus
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.office.decisions import lock

SUBJECT = "job"


def _dead(job_id: int) -> Job:
    job = lock(Job, job_id)
    if job.status != JobStatus.DEAD:
        raise ConflictError(_l("This job is no longer in the list of failed jobs."))
    return job


def _described(job: Job) -> dict[str, object]:
    return {
        "name": job.name,
        "payload": job.payload,
        "attempts": job.attempts,
        "last_error": job.last_error,
    }


def run_again(job_id: int, officer: User) -> Job:
    """Queue a dead job again, due now, with all its attempts; its last error stays until it
    succeeds or fails again."""
    job = _dead(job_id)
    before = _described(job)
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.run_at = utcnow()
    job.finished_at = None
    db.session.flush()
    record_audit(officer, AuditAction.JOB_RUN_AGAIN, SUBJECT, job.id, before=before)
    return job


def discard(job_id: int, officer: User) -> None:
    """Delete a dead job; the audit log keeps what it was."""
    job = _dead(job_id)
    record_audit(officer, AuditAction.JOB_DISCARDED, SUBJECT, job.id, before=_described(job))
    db.session.delete(job)
    db.session.flush()
