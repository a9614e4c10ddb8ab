"""Who a verified business is cannot change quietly.

The office verifies who a business is: its name, its NIB (the OSS registration, issued to that
name) and its district of Bandung (what makes it one of the city's MSMEs). These are its
identity. The owner account is fixed: no page changes it. The rest of the profile (description,
subsector, capacity, contact details and address, logo, links, certificates) stays the owner's
to change at once, and is audited (see `services`).

Once a business is verified (or suspended after that), a change of identity waits in a
`BusinessIdentityChange` for an officer while the business row keeps the verified values. The
public page, product pages, catalog cards, channel line-ups, PDFs, search and the API all read
that row, so they go on showing what the office verified; the slug never changes at all. The
officer approves (the values are applied) or rejects with a reason. The request, its withdrawal
and the decision are audited with the values before and after, and the owner is told of the
decision. Before verification the owner edits freely: the office checks the whole profile
when it verifies.

No two businesses hold one NIB: a unique constraint in the database settles simultaneous saves,
and the check here gives the usual case its clear message first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.businesses import events
from marketplace.businesses.errors import BusinessError
from marketplace.businesses.models import (
    Business,
    BusinessIdentityChange,
    BusinessStatus,
    IdentityChangeStatus,
)
from marketplace.db import begin_write, db, utcnow
from marketplace.errors import ConflictError
from marketplace.ledger.audit import AuditAction, record_audit

IDENTITY_FIELDS = ("name", "nib", "district")
# A business the office has verified: suspension does not undo the verification.
REVIEWED_STATUSES = (BusinessStatus.VERIFIED, BusinessStatus.SUSPENDED)
NIB_TAKEN = _l(
    "This NIB belongs to another business on the marketplace. "
    "If it is yours, please contact the trade office."
)

Identity = dict[str, str | None]


def identity_of(row: Business | BusinessIdentityChange) -> Identity:
    return {key: getattr(row, key) for key in IDENTITY_FIELDS}


def is_reviewed(business: Business) -> bool:
    """Whether a change of the business's identity has to wait for the office."""
    return business.status in REVIEWED_STATUSES


def pending_change(business: Business) -> BusinessIdentityChange | None:
    change = business.identity_change
    return change if change is not None and change.status == IdentityChangeStatus.PENDING else None


def seen_token(change: BusinessIdentityChange) -> str:
    """What a decision form carries: the version of the request the officer decided on."""
    return f"{change.id}@{change.updated_at.isoformat()}"


def differences(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose value differs, as (before, after) for the audit log."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def check_nib_free(nib: str | None, business_id: int | None, *, claims: bool = True) -> None:
    """Refuse an NIB that another business holds or (with `claims`) has asked the office for."""
    if not nib:
        return
    held = sa.select(Business.id).where(Business.nib == nib)
    claimed = sa.select(BusinessIdentityChange.id).where(
        BusinessIdentityChange.nib == nib,
        BusinessIdentityChange.status == IdentityChangeStatus.PENDING,
    )
    if business_id is not None:
        held = held.where(Business.id != business_id)
        claimed = claimed.where(BusinessIdentityChange.business_id != business_id)
    taken: sa.ColumnElement[bool] = sa.exists(held)
    if claims:
        taken = sa.or_(taken, sa.exists(claimed))
    if db.session.scalar(sa.select(taken)):
        raise BusinessError(NIB_TAKEN)


def apply_guarding_nib(business: Business, values: Mapping[str, object]) -> None:
    """Set and flush `values` inside a savepoint: an NIB that a simultaneous save took (the
    unique constraint) becomes the usual message, and the transaction stays usable."""
    try:
        with db.session.begin_nested():
            for key, value in values.items():
                setattr(business, key, value)
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise BusinessError(NIB_TAKEN) from error


def lock_business(business_id: int) -> Business | None:
    """The business as committed now, with its change of identity, locked until the transaction
    ends (FOR UPDATE on PostgreSQL; SQLite's write transaction serialises writers)."""
    begin_write()
    return db.session.execute(
        sa.select(Business)
        .where(Business.id == business_id)
        .options(selectinload(Business.identity_change))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def request_identity_change(
    business: Business, actor: User, proposed: Identity
) -> BusinessIdentityChange | None:
    """Keep, replace or withdraw the business's request; returns the one that waits now.

    The caller has locked the business (`lock_business`), so two saves cannot both add one."""
    verified = identity_of(business)
    change = business.identity_change
    if proposed == verified:
        if change is not None:
            if change.status == IdentityChangeStatus.PENDING:
                before, after = differences(identity_of(change), verified)
                record_audit(
                    actor,
                    AuditAction.BUSINESS_IDENTITY_WITHDRAWN,
                    "business",
                    business.id,
                    before,
                    after,
                )
            # A rejected request is removed too: the owner has read the reason and moved on.
            business.identity_change = None
            db.session.flush()
        return None
    if (
        change is not None
        and change.status == IdentityChangeStatus.PENDING
        and identity_of(change) == proposed
    ):
        return change
    if change is None or change.status != IdentityChangeStatus.PENDING:
        # The request waits from now on (a rejected one is asked again).
        requested_at = utcnow()
    else:
        requested_at = change.requested_at
    if change is None:
        change = BusinessIdentityChange(business=business)
        db.session.add(change)
    change.status = IdentityChangeStatus.PENDING
    change.reason = None
    change.requested_at = requested_at
    for key, value in proposed.items():
        setattr(change, key, value)
    db.session.flush()
    before, after = differences(verified, proposed)
    record_audit(
        actor, AuditAction.BUSINESS_IDENTITY_REQUESTED, "business", business.id, before, after
    )
    return change


def _decidable(business_id: int, seen: str) -> tuple[Business, BusinessIdentityChange]:
    """The business, locked, and its request, as the officer saw it; else a conflict."""
    business = lock_business(business_id)
    if business is None:
        raise ConflictError(_l("This item no longer exists."))
    change = pending_change(business)
    if change is None or seen_token(change) != seen:
        raise ConflictError(
            _l(
                "This change of identity was edited or decided after you opened it. "
                "Please look at it again."
            )
        )
    return business, change


def approve_identity_change(business_id: int, officer: User, seen: str) -> Business:
    """The requested values become the business's; the slug stays (printed addresses)."""
    business, change = _decidable(business_id, seen)
    verified, proposed = identity_of(business), identity_of(change)
    check_nib_free(proposed["nib"], business.id, claims=False)
    apply_guarding_nib(business, proposed)
    business.identity_change = None
    db.session.flush()
    before, after = differences(verified, proposed)
    record_audit(
        officer, AuditAction.BUSINESS_IDENTITY_APPROVED, "business", business.id, before, after
    )
    events.identity_change_approved.send(business)
    return business


def reject_identity_change(business_id: int, officer: User, seen: str, reason: str) -> Business:
    """The business keeps its verified identity; the owner reads why on the dashboard."""
    reason = reason.strip()
    if not reason:
        raise BusinessError(_l("Please give the reason, so the owner knows what to fix."))
    business, change = _decidable(business_id, seen)
    change.status = IdentityChangeStatus.REJECTED
    change.reason = reason
    db.session.flush()
    before, after = differences(identity_of(business), identity_of(change))
    record_audit(
        officer,
        AuditAction.BUSINESS_IDENTITY_REJECTED,
        "business",
        business.id,
        before,
        after,
        reason,
    )
    events.identity_change_rejected.send(business, reason=reason)
    return business
