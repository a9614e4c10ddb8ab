"""The words officers read for an escalation's status, its outcome and how the MSME was
contacted (only the office's pages show them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.interests.models import ContactChannel, EscalationOutcome, EscalationStatus

# The kind of record in the audit log (`labels.SUBJECT_LABELS`).
ESCALATION_SUBJECT = _l("Unanswered interest")
ESCALATION_STATUS_LABELS: dict[str, LazyString] = {
    EscalationStatus.OPEN: _l("Waiting for an officer"),
    EscalationStatus.TAKEN: _l("Taken"),
    EscalationStatus.CLOSED: _l("Closed"),
}
ESCALATION_OUTCOME_LABELS: dict[str, LazyString] = {
    EscalationOutcome.MSME_REPLIED: _l("The MSME replied"),
    EscalationOutcome.BUYER_NOT_INTERESTED: _l("The buyer is no longer interested"),
    EscalationOutcome.OTHER: _l("Other"),
}
CONTACT_CHANNEL_LABELS: dict[str, LazyString] = {
    ContactChannel.PHONE: _l("Phone"),
    ContactChannel.WHATSAPP: _l("WhatsApp"),
    ContactChannel.EMAIL: _l("E-mail"),
}
