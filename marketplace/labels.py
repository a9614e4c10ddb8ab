"""The words people read for the keys the database stores: roles, statuses, kinds of record and
the audit log's actions, in the reader's language.

Templates reach them through the `label` filter and the `status_label` global (see
`templating`), so a page never shows `msme` or `product.approved`. A key without words here
(a value added later) is shown as it is rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import Role, UserStatus
from marketplace.businesses.models import BusinessStatus
from marketplace.channels.models import ChannelStatus, NominationStatus, ShelfStage
from marketplace.interests.escalation_labels import (
    CONTACT_CHANNEL_LABELS,
    ESCALATION_OUTCOME_LABELS,
    ESCALATION_STATUS_LABELS,
    ESCALATION_SUBJECT,
)
from marketplace.interests.labels import STATUS_LABELS as INTEREST_STATUS_LABELS
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import ReportStatus
from marketplace.products.models import ProductStatus
from marketplace.stock.models import MovementKind

ROLE_LABELS: dict[str, LazyString] = {
    Role.MSME: _l("MSME owner"),
    Role.BUYER: _l("Buyer"),
    Role.OFFICER: _l("Officer"),
    Role.ADMIN: _l("Admin"),
    Role.COORDINATOR: _l("Channel coordinator"),
}
ACCOUNT_STATUS_LABELS: dict[str, LazyString] = {
    UserStatus.ACTIVE: _l("Active"),
    UserStatus.SUSPENDED: _l("Suspended"),
    UserStatus.DELETED: _l("Deleted by its owner"),
}
BUSINESS_STATUS_LABELS: dict[str, LazyString] = {
    BusinessStatus.DRAFT: _l("Draft"),
    BusinessStatus.PENDING: _l("Waiting for verification"),
    BusinessStatus.VERIFIED: _l("Verified"),
    BusinessStatus.REJECTED: _l("Rejected"),
    BusinessStatus.SUSPENDED: _l("Suspended"),
}
PRODUCT_STATUS_LABELS: dict[str, LazyString] = {
    ProductStatus.DRAFT: _l("Draft"),
    ProductStatus.PENDING_REVIEW: _l("Waiting for review"),
    ProductStatus.PUBLISHED: _l("Published"),
    ProductStatus.REJECTED: _l("Rejected"),
    ProductStatus.ARCHIVED: _l("Archived"),
}
CHANNEL_STATUS_LABELS: dict[str, LazyString] = {
    ChannelStatus.DRAFT: _l("Draft"),
    ChannelStatus.OPEN: _l("Open for nominations"),
    ChannelStatus.CLOSED: _l("Closed for nominations"),
    ChannelStatus.ARCHIVED: _l("Past edition"),
}
NOMINATION_STATUS_LABELS: dict[str, LazyString] = {
    NominationStatus.NOMINATED: _l("Waiting for a decision"),
    NominationStatus.ACCEPTED: _l("Accepted"),
    NominationStatus.DECLINED: _l("Declined"),
    NominationStatus.WITHDRAWN: _l("Withdrawn"),
}
STAGE_LABELS: dict[str, LazyString] = {
    ShelfStage.ACCEPTED: _l("Accepted, not shipped yet"),
    ShelfStage.SHIPPED: _l("Shipped"),
    ShelfStage.ON_SHELF: _l("On the shelf"),
    ShelfStage.SOLD_OUT: _l("Sold out"),
    ShelfStage.RETURNED: _l("Returned"),
    ShelfStage.WRITTEN_OFF: _l("Damaged or lost"),
}
MOVEMENT_LABELS: dict[str, LazyString] = {
    MovementKind.SHIPPED: _l("Shipped"),
    MovementKind.RECEIVED: _l("Received at the channel"),
    MovementKind.SHELVED: _l("Put on the shelf"),
    MovementKind.SOLD: _l("Sold"),
    MovementKind.RETURNED: _l("Sent back to the MSME"),
    MovementKind.DAMAGED: _l("Damaged"),
    MovementKind.LOST: _l("Lost at the channel"),
    MovementKind.UNSOLD: _l("Sale corrected, back in stock"),
}
REPORT_STATUS_LABELS: dict[str, LazyString] = {
    ReportStatus.OPEN: _l("Open"),
    ReportStatus.RESOLVED: _l("Resolved"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}
# The parts of a business's identity that the office reviews (see businesses.identity).
BUSINESS_FIELD_LABELS: dict[str, LazyString] = {
    "name": _l("Business name"),
    "nib": _l("NIB"),
    "district": _l("District"),
}
# The kinds of record the audit log and the reports of abuse name (`subject_type`).
SUBJECT_LABELS: dict[str, LazyString] = {
    "business": _l("Business"),
    "product": _l("Product"),
    "user": _l("Account"),
    "nomination": _l("Nomination"),
    "interest": _l("Interest"),
    "channel": _l("Channel"),
    "partner_city": _l("Partner city"),
    "exchange_rate": _l("Exchange rate"),
    "abuse_report": _l("Report of abuse"),
    "escalation": ESCALATION_SUBJECT,
    "settlement": _l("Settlement statement"),
    "buying_request": _l("Buying request"),
    "quote": _l("Quote"),
    "announcement": _l("Announcement"),
    "matching_event": _l("Business-matching event"),
    "matching_meeting": _l("Business-matching meeting"),
    "api_token": _l("API token"),
    "job": _l("Background job"),
}
# Every action the services record, in the words an officer reads in the log: the words are
# the actions' own (`ledger.audit.AuditAction`).
ACTION_LABELS: dict[str, LazyString] = {action.value: action.label for action in AuditAction}

LABELS: dict[str, Mapping[str, LazyString]] = {
    "role": ROLE_LABELS,
    "account_status": ACCOUNT_STATUS_LABELS,
    "business_status": BUSINESS_STATUS_LABELS,
    "product_status": PRODUCT_STATUS_LABELS,
    # The storefront's status badge shows a business's or a product's: their shared keys
    # (draft, rejected) have the same words.
    "status": {**BUSINESS_STATUS_LABELS, **PRODUCT_STATUS_LABELS},
    "channel_status": CHANNEL_STATUS_LABELS,
    "nomination_status": NOMINATION_STATUS_LABELS,
    "stage": STAGE_LABELS,
    "movement": MOVEMENT_LABELS,
    "interest_status": {str(key): words for key, words in INTEREST_STATUS_LABELS.items()},
    "report_status": REPORT_STATUS_LABELS,
    "escalation_status": ESCALATION_STATUS_LABELS,
    "escalation_outcome": ESCALATION_OUTCOME_LABELS,
    "contact_channel": CONTACT_CHANNEL_LABELS,
    "business_field": BUSINESS_FIELD_LABELS,
    "subject": SUBJECT_LABELS,
    "action": ACTION_LABELS,
}
# Which statuses a kind of record has, for the before and after of its audit entries.
SUBJECT_STATUSES = {
    "business": "business_status",
    "product": "product_status",
    "user": "account_status",
    "nomination": "nomination_status",
    "interest": "interest_status",
    "channel": "channel_status",
    "abuse_report": "report_status",
    "escalation": "escalation_status",
}


def label(value: object, kind: str) -> str:
    """The reader's words for a stored key of `kind` (a key of LABELS); an unknown key is
    shown as it is, an empty one as nothing."""
    if value is None or value == "":
        return ""
    words = LABELS[kind].get(str(value))
    return str(words) if words is not None else str(value)


def status_label(subject_type: str, value: object) -> str:
    """A status recorded in the audit log, in words when the kind of record is known."""
    kind = SUBJECT_STATUSES.get(subject_type)
    if kind is None:
        return "" if value is None else str(value)
    return label(value, kind)
