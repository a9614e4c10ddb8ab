"""Officers' decisions on businesses, products and accounts, safe against stale pages.

Every decision form carries what the officer saw: a business's or product's `updated_at`, an
account's status. The decision locks the row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite
the write transaction taken up front serialises decisions), reads it again, and goes ahead only
when it is unchanged. Otherwise it raises `ConflictError` naming who changed it and when, from
the audit log, so a second officer working on an old page never silently overwrites the first.

The rules of each transition stay in the life-cycle services (`businesses.services`,
`products.services`, `accounts.services`); this module adds the lock and the comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts import moderation
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.businesses import services as businesses
from marketplace.businesses.models import Business
from marketplace.channels import curation
from marketplace.channels.models import Nomination
from marketplace.dates import format_when
from marketplace.db import Base, begin_write, db
from marketplace.errors import ConflictError, ServiceError
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import AuditEntry
from marketplace.notifications import decisions as tell
from marketplace.products import services as products
from marketplace.products.models import Product

M = TypeVar("M", bound=Base)

# What the conflict message says another person did, by audit action.
DONE: dict[str, object] = {
    AuditAction.BUSINESS_VERIFIED: _l("verified"),
    AuditAction.BUSINESS_REJECTED: _l("rejected"),
    AuditAction.BUSINESS_SUSPENDED: _l("suspended"),
    AuditAction.BUSINESS_REINSTATED: _l("reinstated"),
    AuditAction.BUSINESS_SUBMITTED: _l("submitted again"),
    # The owner's own edits are audited too; the last entry may be one of them.
    AuditAction.BUSINESS_UPDATED: _l("edited by the owner"),
    AuditAction.BUSINESS_LOGO_CHANGED: _l("edited by the owner"),
    AuditAction.BUSINESS_CERTIFICATION_ADDED: _l("edited by the owner"),
    AuditAction.BUSINESS_CERTIFICATION_CHANGED: _l("edited by the owner"),
    AuditAction.BUSINESS_CERTIFICATION_REMOVED: _l("edited by the owner"),
    AuditAction.BUSINESS_IDENTITY_REQUESTED: _l("edited by the owner"),
    AuditAction.BUSINESS_IDENTITY_WITHDRAWN: _l("edited by the owner"),
    AuditAction.BUSINESS_IDENTITY_APPROVED: _l("change of identity approved"),
    AuditAction.BUSINESS_IDENTITY_REJECTED: _l("change of identity rejected"),
    AuditAction.PRODUCT_APPROVED: _l("approved"),
    AuditAction.PRODUCT_REJECTED: _l("rejected"),
    AuditAction.PRODUCT_SUBMITTED: _l("submitted again"),
    AuditAction.PRODUCT_RETURNED_TO_REVIEW: _l("changed and sent back to review"),
    AuditAction.PRODUCT_ARCHIVED: _l("archived"),
    AuditAction.PRODUCT_RESTORED: _l("restored"),
    AuditAction.USER_SUSPEND: _l("suspended"),
    AuditAction.USER_REACTIVATE: _l("reactivated"),
    AuditAction.ABUSE_REPORT_RESOLVED: _l("resolved"),
    AuditAction.ABUSE_REPORT_DISMISSED: _l("dismissed"),
    AuditAction.ESCALATION_TAKEN: _l("taken"),
    AuditAction.ESCALATION_CLOSED: _l("closed"),
    AuditAction.ESCALATION_NOTE: _l("note added"),
    AuditAction.ESCALATION_CONTACTED: _l("MSME contacted"),
}


def seen_token(row: Business | Product | User) -> str:
    """What a decision form carries to prove which version of the row the officer decided on."""
    if isinstance(row, User):
        return row.status.value
    return row.updated_at.isoformat()


def lock(model: type[M], row_id: int) -> M:
    """The row as committed now, locked until the transaction ends."""
    begin_write()
    found = db.session.execute(
        sa.select(model)
        .where(model.id == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise ConflictError(_l("This item no longer exists."))
    return found


def conflict_message(subject_type: str, subject_id: int) -> LazyString:
    """Who changed the item last, and when, in words for the officer."""
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return _l("This item changed after you opened it. Please look at it again.")
    when = format_when(entry.at)  # the officer's zone (Bandung's unless they chose another)
    what = DONE.get(entry.action, entry.action)  # translated with the message, when shown
    actor = entry.actor
    if actor is not None and actor.is_staff:
        return _l(
            "Another officer already decided this item (%(what)s by %(who)s at %(when)s).",
            what=what,
            who=actor.name,
            when=when,
        )
    return _l(
        "This item changed after you opened it (%(what)s at %(when)s). Please look at it again.",
        what=what,
        when=when,
    )


def require_unchanged(row: Business | Product | User, seen: str, subject_type: str) -> None:
    if seen_token(row) != seen:
        raise ConflictError(conflict_message(subject_type, row.id))


def _decide_business(business_id: int, seen: str, action: Callable[[Business], None]) -> Business:
    business = lock(Business, business_id)
    require_unchanged(business, seen, "business")
    action(business)
    return business


def verify_business(business_id: int, officer: User, seen: str) -> Business:
    business = _decide_business(business_id, seen, lambda b: businesses.verify_business(b, officer))
    tell.business_decided(business, "verified")
    return business


def reject_business(business_id: int, officer: User, seen: str, reason: str) -> Business:
    business = _decide_business(
        business_id, seen, lambda b: businesses.reject_business(b, officer, reason)
    )
    tell.business_decided(business, "rejected", reason)
    return business


def suspend_business(business_id: int, officer: User, seen: str, reason: str) -> Business:
    """The business's products leave the catalog, its channel line-ups and search at once:
    every public list shows only products of verified businesses."""
    business = _decide_business(
        business_id, seen, lambda b: businesses.suspend_business(b, officer, reason)
    )
    tell.business_decided(business, "suspended", reason)
    return business


def reinstate_business(business_id: int, officer: User, seen: str, reason: str) -> Business:
    """Back to verified; the reason is kept in the audit log."""
    business = _decide_business(
        business_id,
        seen,
        lambda b: businesses.reinstate_business(b, officer, reason),
    )
    tell.business_decided(business, "reinstated", reason)
    return business


def _decide_product(product_id: int, seen: str, action: Callable[[Product], None]) -> Product:
    product = lock(Product, product_id)
    require_unchanged(product, seen, "product")
    action(product)
    return product


def approve_product(product_id: int, officer: User, seen: str) -> Product:
    product = _decide_product(product_id, seen, lambda p: products.approve_product(p, officer))
    tell.product_decided(product, approved=True)
    return product


def reject_product(product_id: int, officer: User, seen: str, reason: str) -> Product:
    product = _decide_product(
        product_id, seen, lambda p: products.reject_product(p, officer, reason)
    )
    tell.product_decided(product, approved=False, reason=reason)
    return product


def score_nomination(nomination: Nomination, officer: User, score: int, comment: str) -> None:
    """An officer's score (`channels.curation`), told to the MSME with the comment."""
    curation.score_nomination(nomination, officer, score, comment)
    tell.nomination_scored(nomination, score, comment)


def decide_nomination(
    nomination: Nomination, officer: User, accept: bool, reason: str, shelf_code: str | None
) -> Nomination:
    """Accept or decline (`channels.curation`), and tell the MSME."""
    decided = curation.decide_nomination(nomination, officer, accept, reason, shelf_code)
    tell.nomination_decided(decided)
    return decided


@dataclass
class BulkResult:
    approved: list[Product] = field(default_factory=list)
    # (product id, its name or None when it is gone, why it was left alone)
    skipped: list[tuple[int, str | None, str]] = field(default_factory=list)


def approve_products(selection: list[tuple[int, str]], officer: User) -> BulkResult:
    """Approve each selected (product id, seen token); one that changed meanwhile or cannot be
    approved is left as it is and reported, the others are approved."""
    result = BulkResult()
    begin_write()
    for product_id, seen in selection:
        try:
            with db.session.begin_nested():
                result.approved.append(approve_product(product_id, officer, seen))
        except ServiceError as error:
            product = db.session.get(Product, product_id)
            result.skipped.append(
                (product_id, product.name if product else None, str(error.message))
            )
    return result


def suspend_user(user_id: int, officer: User, seen: str, reason: str) -> User:
    """A suspended person cannot log in, and every session of theirs ends at once."""
    user = lock(User, user_id)
    require_unchanged(user, seen, "user")
    moderation.suspend_user(user, officer, reason)
    db.session.flush()
    return user


def reactivate_user(user_id: int, officer: User, seen: str, reason: str) -> User:
    if not reason.strip():
        raise accounts.AccountError(_l("Give a reason for the reactivation."))
    user = lock(User, user_id)
    require_unchanged(user, seen, "user")
    moderation.reactivate_user(user, officer, reason)
    db.session.flush()
    return user
