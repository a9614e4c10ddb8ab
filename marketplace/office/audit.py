"""The audit log's one writer: every decision an officer or admin makes is recorded here.

The log is append-only. Nothing in the application updates or deletes an entry, and the ORM
refuses to: changing or deleting a loaded entry, or an UPDATE or DELETE statement aimed at the
audit table, raises `AuditLogIsAppendOnly` before anything reaches the database. On PostgreSQL a
trigger refuses the same for every other client (see the migration that added it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.office.models import AuditEntry


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete what the audit log has recorded."""


def record_audit(
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append who did what to which record, and why, in the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Any, entry: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Any, entry: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """`session.execute(update(AuditEntry)...)` and `delete(...)` bypass the mapper events."""
    if not (state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    mapper = state.bind_mapper
    if target is AuditEntry.__table__ or (mapper is not None and mapper.class_ is AuditEntry):
        raise AuditLogIsAppendOnly("the audit log cannot be updated or deleted")
