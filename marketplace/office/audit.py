"""The audit log's one writer: every decision an officer or admin makes is recorded here."""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.office.models import AuditEntry


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
