"""Queueing a job: a row added in the caller's transaction, committed or rolled back with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.db import db, utcnow
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.registry import find


class UnknownTask(LookupError):
    """A job names no registered task (a typo would otherwise wait in the queue forever)."""


def _request_id() -> str | None:
    if not has_app_context():
        return None
    found = g.get("request_id")
    return str(found)[:80] if found else None


def enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queue the task `name` in the current session's transaction; whether a job was queued.

    A `dedupe_key` that a job already has (in any status) queues nothing and is no error: the
    INSERT does nothing on that conflict, so the caller's transaction goes on (a failed INSERT
    would abort it on PostgreSQL). The request id of the request (or job) queueing it is kept,
    for the logs of the job's run."""
    task = find(name)
    if task is None:
        raise UnknownTask(f"no task is registered as {name!r}")
    values = {
        "name": name,
        "payload": payload or {},
        "status": JobStatus.QUEUED,
        "run_at": run_at or utcnow(),
        "attempts": 0,
        "max_attempts": task.max_attempts,
        "request_id": _request_id(),
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
    }
    session = db.session()
    table = cast(sa.Table, Job.__table__)
    statement: Any
    if dedupe_key is None:
        statement = sa.insert(table)
    else:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).on_conflict_do_nothing(
            index_elements=[table.c.dedupe_key], index_where=table.c.dedupe_key.is_not(None)
        )
    # RETURNING says whether a row went in (a rowcount may read -1 after ON CONFLICT).
    inserted = session.execute(statement.values(values).returning(table.c.id)).scalar()
    return inserted is not None
