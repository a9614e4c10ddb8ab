"""The audit log's one writer, and the one list of what it records.

Every decision an officer or admin makes, and every change of status, is recorded here as an
`AuditAction`: the stored key and the words an officer reads in the log, side by side. The keys
are stored as they have always been (`product.approved` beside `nomination.accept`): rows
already written keep reading correctly. Callers pass a member, never a string.

The log is append-only. Nothing in the application updates or deletes an entry, and the ORM
refuses to: changing or deleting a loaded entry, or an UPDATE or DELETE statement aimed at the
audit table, raises `AuditLogIsAppendOnly` before anything reaches the database. On PostgreSQL a
trigger refuses the same for every other client (see the migration that added it).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session

from marketplace.db import db
from marketplace.ledger.models import AuditEntry

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AuditAction(enum.StrEnum):
    """Every action the services record, with its words for the log (the `label` filter shows
    them, `labels.LABELS["action"]`). A stored key is never renamed: old rows keep it."""

    _value_: str
    label: LazyString

    def __new__(cls, value: str, label: LazyString) -> AuditAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    BUSINESS_CREATED = "business.created", _l("Business profile created")
    BUSINESS_SUBMITTED = "business.submitted", _l("Business sent for verification")
    BUSINESS_VERIFIED = "business.verified", _l("Business verified")
    BUSINESS_REJECTED = "business.rejected", _l("Business rejected")
    BUSINESS_SUSPENDED = "business.suspended", _l("Business suspended")
    BUSINESS_REINSTATED = "business.reinstated", _l("Business reinstated")
    BUSINESS_UPDATED = "business.updated", _l("Business profile changed")
    BUSINESS_LOGO_CHANGED = "business.logo_changed", _l("Business logo changed")
    BUSINESS_CERTIFICATION_ADDED = "business.certification_added", _l("Certification added")
    BUSINESS_CERTIFICATION_CHANGED = "business.certification_changed", _l("Certification changed")
    BUSINESS_CERTIFICATION_REMOVED = "business.certification_removed", _l("Certification removed")
    BUSINESS_IDENTITY_REQUESTED = (
        "business.identity_requested",
        _l("Change of name, NIB or district asked for"),
    )
    BUSINESS_IDENTITY_WITHDRAWN = (
        "business.identity_withdrawn",
        _l("Change of name, NIB or district withdrawn"),
    )
    BUSINESS_IDENTITY_APPROVED = (
        "business.identity_approved",
        _l("Change of name, NIB or district approved"),
    )
    BUSINESS_IDENTITY_REJECTED = (
        "business.identity_rejected",
        _l("Change of name, NIB or district rejected"),
    )

    ANNOUNCEMENT_SENT = "announcement.sent", _l("Announcement sent")

    PRODUCT_CREATED = "product.created", _l("Product created")
    PRODUCT_SUBMITTED = "product.submitted", _l("Product sent for review")
    PRODUCT_RETURNED_TO_REVIEW = (
        "product.returned_to_review",
        _l("Product back in review after a change"),
    )
    PRODUCT_APPROVED = "product.approved", _l("Product approved and published")
    PRODUCT_REJECTED = "product.rejected", _l("Product rejected")
    PRODUCT_ARCHIVED = "product.archived", _l("Product archived")
    PRODUCT_RESTORED = "product.restored", _l("Product restored")

    NOMINATION_CREATE = "nomination.create", _l("Product nominated to a channel")
    NOMINATION_WITHDRAW = "nomination.withdraw", _l("Nomination withdrawn")
    NOMINATION_ACCEPT = "nomination.accept", _l("Nomination accepted")
    NOMINATION_DECLINE = "nomination.decline", _l("Nomination declined")
    NOMINATION_SCORED = "nomination.scored", _l("Nomination scored by the jury")
    NOMINATION_STAGE = "nomination.stage", _l("Shelf stage changed")
    NOMINATION_SHELF_CODE = "nomination.shelf_code", _l("Shelf or booth code changed")
    NOMINATION_SALES = "nomination.sales", _l("Sales recorded")
    STOCK_MOVEMENT = "nomination.stock", _l("Stock movement recorded")
    SALE_RECORDED = "nomination.sale", _l("Sale recorded at the channel")
    SALE_CORRECTED = "nomination.sale_corrected", _l("Sale corrected")

    INTEREST_REPLIED = "interest.replied", _l("Interest answered")
    INTEREST_NEGOTIATING = "interest.negotiating", _l("Interest moved to negotiating")
    INTEREST_WON = "interest.won", _l("Interest won as a deal")
    INTEREST_LOST = "interest.lost", _l("Interest recorded as lost")
    INTEREST_WITHDRAWN = "interest.withdrawn", _l("Interest withdrawn by the buyer")
    INTEREST_SPAM = "interest.spam", _l("Interest closed as spam")

    BUYING_REQUEST_POSTED = "buying_request.posted", _l("Buying request posted")
    BUYING_REQUEST_APPROVED = "buying_request.approved", _l("Buying request sent out by the office")
    BUYING_REQUEST_REJECTED = (
        "buying_request.rejected",
        _l("Buying request held back by the office"),
    )
    BUYING_REQUEST_WITHDRAWN = "buying_request.withdrawn", _l("Buying request withdrawn")
    QUOTE_SUBMITTED = "quote.submitted", _l("Quote sent")
    QUOTE_CHANGED = "quote.changed", _l("Quote changed")
    QUOTE_PICKED = "buying_request.picked", _l("Quote picked by the buyer")

    USER_SUSPEND = "user.suspend", _l("Account suspended")
    USER_REACTIVATE = "user.reactivate", _l("Account reactivated")
    USER_DELETED = "user.deleted", _l("Account deleted by its owner")
    VISITOR_ERASED = "interest.visitor_erased", _l("Stand visitor's details deleted")
    API_TOKEN_CREATED = "api_token.created", _l("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _l("API token revoked")

    ESCALATION_OPENED = "escalation.opened", _l("Unanswered interest sent to the office")
    ESCALATION_TAKEN = "escalation.taken", _l("Unanswered interest taken by an officer")
    ESCALATION_NOTE = "escalation.note", _l("Note on an unanswered interest")
    ESCALATION_CONTACTED = "escalation.contacted", _l("MSME contacted about an unanswered interest")
    ESCALATION_CLOSED = "escalation.closed", _l("Unanswered interest closed")

    ABUSE_REPORT_RESOLVED = "abuse_report.resolved", _l("Report of abuse resolved")
    ABUSE_REPORT_DISMISSED = "abuse_report.dismissed", _l("Report of abuse dismissed")

    CHANNEL_CREATE = "channel.create", _l("Channel created")
    CHANNEL_UPDATE = "channel.update", _l("Channel changed")
    CHANNEL_COORDINATORS = "channel.coordinators", _l("Coordinator's channels changed")

    SETTLEMENT_ISSUED = "settlement.issued", _l("Settlement statement issued")
    SETTLEMENT_PAID = "settlement.paid", _l("Settlement statement paid")

    PARTNER_CITY_CREATE = "partner_city.create", _l("Partner city added")
    PARTNER_CITY_UPDATE = "partner_city.update", _l("Partner city changed")

    EXCHANGE_RATE_SET = "exchange_rate.set", _l("Exchange rate set")
    EXCHANGE_RATE_CHANGED = "exchange_rate.changed", _l("Exchange rate corrected")

    MATCHING_EVENT_CREATE = "matching_event.create", _l("Business-matching event created")
    MATCHING_EVENT_STATUS = "matching_event.status", _l("Business-matching event opened or closed")
    MATCHING_MEETING_MOVED = "matching_meeting.moved", _l("Meeting moved to another slot")
    MATCHING_MEETING_CANCELLED = "matching_meeting.cancelled", _l("Meeting cancelled by the office")

    JOB_RUN_AGAIN = "job.run_again", _l("Failed background job run again")
    JOB_DISCARDED = "job.discarded", _l("Failed background job discarded")


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete what the audit log has recorded."""


def record_audit(
    actor: User | None,
    action: AuditAction,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append who did what to which record, and why, in the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action.value,
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
