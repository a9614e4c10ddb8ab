"""The office suspends and reactivates accounts: who may, with a reason, audited.

A suspension ends every session of the account at once. The caller commits.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.accounts.services import AccountError
from marketplace.ledger.audit import AuditAction, record_audit


def _check_may_moderate(user: User, actor: User) -> None:
    if not actor.is_staff:
        raise AccountError(_l("Only the trade office may suspend or reactivate accounts."))
    if actor.id == user.id:
        raise AccountError(_l("You cannot suspend or reactivate your own account."))
    if user.is_staff and actor.role != Role.ADMIN:
        raise AccountError(_l("Only an admin may suspend or reactivate staff accounts."))


def suspend_user(user: User, actor: User, reason: str) -> None:
    """Lock the account out at once (every session ends) and record who did it and why."""
    _check_may_moderate(user, actor)
    reason = reason.strip()
    if not reason:
        raise AccountError(_l("Give a reason for the suspension."))
    if user.status == UserStatus.SUSPENDED:
        raise AccountError(_l("This account is already suspended."))
    before = {"status": user.status.value}
    user.status = UserStatus.SUSPENDED
    user.status_reason = reason
    user.end_all_sessions()
    record_audit(
        actor,
        AuditAction.USER_SUSPEND,
        "user",
        user.id,
        before,
        {"status": user.status.value},
        reason,
    )


def reactivate_user(user: User, actor: User, reason: str | None = None) -> None:
    _check_may_moderate(user, actor)
    if user.status != UserStatus.SUSPENDED:
        raise AccountError(_l("This account is not suspended."))
    before = {"status": user.status.value, "status_reason": user.status_reason}
    user.status = UserStatus.ACTIVE
    user.status_reason = None
    record_audit(
        actor,
        AuditAction.USER_REACTIVATE,
        "user",
        user.id,
        before,
        {"status": user.status.value},
        (reason or "").strip() or None,
    )
