"""Selects for the office's pages: the queues and their counts, accounts, the audit log and
exchange rates. Callers execute, paginate or limit. Outcome reports have their own module
(`report_queries`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.businesses.models import (
    Business,
    BusinessCertification,
    BusinessIdentityChange,
    BusinessStatus,
    IdentityChangeStatus,
)
from marketplace.channels.models import Channel, ChannelStatus, Nomination, NominationStatus
from marketplace.interests.models import Escalation, EscalationNote, EscalationStatus, Interest
from marketplace.ledger.models import AbuseReport, AuditEntry, ExchangeRate, ReportStatus
from marketplace.periods import start_of_day
from marketplace.products.models import Product, ProductStatus

# Nominations of these channels wait for a decision (see channels.curation.decide_nomination).
DECIDABLE_CHANNELS = (ChannelStatus.OPEN, ChannelStatus.CLOSED)


# ---------------------------------------------------------------------------------------------
# Queues, oldest first


def waiting_businesses() -> sa.Select[Business]:
    """Waiting for the office, oldest first, with what the officer checks: new businesses to
    verify, and verified ones whose change of name, NIB or district waits for review."""
    change = BusinessIdentityChange
    return (
        sa.select(Business)
        .outerjoin(
            change,
            sa.and_(
                change.business_id == Business.id,
                change.status == IdentityChangeStatus.PENDING,
            ),
        )
        .where(sa.or_(Business.status == BusinessStatus.PENDING, change.id.is_not(None)))
        .options(
            selectinload(Business.owner),
            selectinload(Business.subsector),
            selectinload(Business.certifications).selectinload(BusinessCertification.certification),
            selectinload(Business.identity_change),
        )
        .order_by(sa.func.coalesce(change.requested_at, Business.submitted_at), Business.id)
    )


def waiting_products() -> sa.Select[Product]:
    """Waiting for review, oldest submission first."""
    return (
        sa.select(Product)
        .where(Product.status == ProductStatus.PENDING_REVIEW)
        .options(selectinload(Product.business), selectinload(Product.images))
        .order_by(Product.submitted_at, Product.id)
    )


def _nominations_waiting(paused: bool) -> sa.Select[Nomination]:
    """A nomination can be decided only while its product is public (`Product.is_public`); one
    of a suspended business (or a product back in review) is paused until that changes."""
    live = Product.is_public
    return (
        sa.select(Nomination)
        .join(Nomination.channel)
        .join(Nomination.product)
        .join(Product.business)
        .where(
            Nomination.status == NominationStatus.NOMINATED,
            Channel.status.in_(DECIDABLE_CHANNELS),
            sa.not_(live) if paused else live,
        )
    )


def waiting_nominations(paused: bool = False) -> sa.Select[Nomination]:
    """Nominations waiting for a decision in channels that take decisions, oldest first; with
    `paused`, those whose product is not public at the moment instead."""
    return (
        _nominations_waiting(paused)
        .options(
            selectinload(Nomination.channel),
            selectinload(Nomination.product).selectinload(Product.business),
        )
        .order_by(Nomination.created_at, Nomination.id)
    )


def open_reports() -> sa.Select[AbuseReport]:
    return (
        sa.select(AbuseReport)
        .where(AbuseReport.status == ReportStatus.OPEN)
        .options(selectinload(AbuseReport.reporter))
        .order_by(AbuseReport.created_at, AbuseReport.id)
    )


def interests_by_id(ids: list[int]) -> sa.Select[Interest]:
    """Reported conversations, with the product and buyer a report's line names."""
    return (
        sa.select(Interest)
        .where(Interest.id.in_(ids))
        .options(selectinload(Interest.product), selectinload(Interest.buyer))
    )


def _with_interest(query: sa.Select[Escalation]) -> sa.Select[Escalation]:
    return query.options(
        selectinload(Escalation.interest).options(
            selectinload(Interest.product)
            .selectinload(Product.business)
            .selectinload(Business.owner),
            selectinload(Interest.buyer),
            selectinload(Interest.visitor),
        ),
        selectinload(Escalation.taken_by),
    )


def waiting_escalations() -> sa.Select[Escalation]:
    """Unanswered interests the office has not closed, oldest first."""
    return _with_interest(
        sa.select(Escalation)
        .where(Escalation.status != EscalationStatus.CLOSED)
        .order_by(Escalation.created_at, Escalation.id)
    )


def closed_escalations() -> sa.Select[Escalation]:
    """Closed ones, the latest first."""
    return _with_interest(
        sa.select(Escalation)
        .where(Escalation.status == EscalationStatus.CLOSED)
        .order_by(Escalation.closed_at.desc(), Escalation.id.desc())
    )


def escalation(escalation_id: int) -> sa.Select[Escalation]:
    return _with_interest(sa.select(Escalation).where(Escalation.id == escalation_id)).options(
        selectinload(Escalation.notes).selectinload(EscalationNote.author)
    )


@dataclass(frozen=True)
class QueueCounts:
    businesses: int = 0
    products: int = 0
    nominations: int = 0
    reports: int = 0
    escalations: int = 0

    @property
    def total(self) -> int:
        return self.businesses + self.products + self.nominations + self.reports + self.escalations


def queue_counts() -> sa.Select[int, int, int, int, int]:
    """The five queue lengths in one round trip (each an indexed count)."""

    def count(query: sa.Select[Any]) -> sa.ScalarSelect[int]:
        return query.scalar_subquery()

    nominations = _nominations_waiting(False).with_only_columns(sa.func.count(Nomination.id))
    # Only businesses verified before ask for a change of identity: the two never overlap.
    identity_changes = sa.select(sa.func.count(BusinessIdentityChange.id)).where(
        BusinessIdentityChange.status == IdentityChangeStatus.PENDING
    )
    return sa.select(
        count(
            sa.select(sa.func.count(Business.id)).where(Business.status == BusinessStatus.PENDING)
        )
        + count(identity_changes),
        count(
            sa.select(sa.func.count(Product.id)).where(
                Product.status == ProductStatus.PENDING_REVIEW
            )
        ),
        count(nominations),
        count(
            sa.select(sa.func.count(AbuseReport.id)).where(AbuseReport.status == ReportStatus.OPEN)
        ),
        count(
            sa.select(sa.func.count(Escalation.id)).where(
                Escalation.status.in_([EscalationStatus.OPEN, EscalationStatus.TAKEN])
            )
        ),
    )


# ---------------------------------------------------------------------------------------------
# Accounts


def accounts(
    text: str = "", role: Role | None = None, status: UserStatus | None = None
) -> sa.Select[User]:
    """People by name or e-mail (any part, any case), role and status; by name."""
    query = sa.select(User)
    if text:
        query = query.where(
            sa.or_(
                User.name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
            )
        )
    if role is not None:
        query = query.where(User.role == role)
    if status is not None:
        query = query.where(User.status == status)
    return query.order_by(sa.func.lower(User.name), User.id)


def business_names_by_owner() -> sa.Select[int, str]:
    return sa.select(Business.owner_id, Business.name)


def business_of_owner(owner_id: int) -> sa.Select[Business]:
    return sa.select(Business).where(Business.owner_id == owner_id)


# ---------------------------------------------------------------------------------------------
# The audit log


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # an account id, or part of a name or e-mail address
    subject_type: str = ""
    subject_id: int | None = None
    action: str = ""
    first: date | None = None
    last: date | None = None


def audit_entries(filters: AuditFilters, before_id: int | None = None) -> sa.Select[AuditEntry]:
    """Newest first; `before_id` continues a page (keyset: ids only grow)."""
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.actor))
    actor = filters.actor.strip()
    if actor.isdigit():
        query = query.where(AuditEntry.actor_id == int(actor))
    elif actor:
        matching = sa.select(User.id).where(
            sa.or_(
                User.name.icontains(actor, autoescape=True),
                User.email.icontains(actor, autoescape=True),
            )
        )
        query = query.where(AuditEntry.actor_id.in_(matching))
    if filters.subject_type:
        query = query.where(AuditEntry.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        query = query.where(AuditEntry.subject_id == filters.subject_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.first is not None:
        query = query.where(AuditEntry.at >= start_of_day(filters.first))
    if filters.last is not None:
        query = query.where(AuditEntry.at < start_of_day(filters.last + timedelta(days=1)))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return query.order_by(AuditEntry.id.desc())


def audit_actions() -> sa.Select[str]:
    return sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)


def audit_subject_types() -> sa.Select[str]:
    return sa.select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type)


# ---------------------------------------------------------------------------------------------
# Exchange rates


def all_rates() -> sa.Select[ExchangeRate]:
    """Every rate ever set, by currency, newest date first."""
    return sa.select(ExchangeRate).order_by(ExchangeRate.currency, ExchangeRate.effective_on.desc())


def setters(ids: list[int]) -> sa.Select[int, str]:
    return sa.select(User.id, User.name).where(User.id.in_(ids))
