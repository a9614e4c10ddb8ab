"""Reports of spam or abuse, handled in the office's queue: resolved (optionally closing the
reported conversation as spam) or dismissed with a reason.

A report is decided once: the decision locks the report and checks that it is still in the
status the officer saw, so a second officer on an old page gets a conflict, not a second
decision. Each decision is written to the audit log.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.db import db, utcnow
from marketplace.errors import ConflictError, ServiceError
from marketplace.interests import transitions
from marketplace.interests.models import OPEN_INTEREST_STATUSES, Interest
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.ledger.models import AbuseReport, ReportStatus
from marketplace.office.decisions import conflict_message, lock

NOTE_MAX = 2000


class AbuseReportError(ServiceError):
    """A rule about handling a report was not met."""


def _open_report(report_id: int, seen: str) -> AbuseReport:
    report = lock(AbuseReport, report_id)
    if report.status.value != seen or report.status != ReportStatus.OPEN:
        raise ConflictError(conflict_message("abuse_report", report.id))
    return report


def _close(report: AbuseReport, officer: User, status: ReportStatus, note: str | None) -> None:
    report.status = status
    report.handled_by_id = officer.id
    report.handled_at = utcnow()
    report.resolution = note
    db.session.flush()


def _clean(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise AbuseReportError(_l("Please keep the note under %(n)d characters.", n=NOTE_MAX))
    return note


def resolve_report(
    report_id: int, officer: User, seen: str, note: str = "", mark_spam: bool = False
) -> AbuseReport:
    """Close the report as dealt with; with `mark_spam`, an open reported conversation is closed
    as spam too (its buyer is not told, see `interests.transitions.mark_spam`)."""
    report = _open_report(report_id, seen)
    text = _clean(note)
    marked = False
    if mark_spam:
        if report.subject_type != "interest":
            raise AbuseReportError(_l("Only a reported conversation can be marked as spam."))
        interest = db.session.get(Interest, report.subject_id)
        if interest is not None and interest.status in OPEN_INTEREST_STATUSES:
            transitions.mark_spam(interest, officer, text or report.reason)
            marked = True
    _close(report, officer, ReportStatus.RESOLVED, text or None)
    record_audit(
        officer,
        AuditAction.ABUSE_REPORT_RESOLVED,
        "abuse_report",
        report.id,
        {"status": ReportStatus.OPEN.value},
        {"status": ReportStatus.RESOLVED.value, "marked_spam": marked},
        text or None,
    )
    return report


def dismiss_report(report_id: int, officer: User, seen: str, reason: str) -> AbuseReport:
    """Nothing to act on: the reason says why, for the record."""
    text = _clean(reason)
    if not text:
        raise AbuseReportError(_l("Please give the reason."))
    report = _open_report(report_id, seen)
    _close(report, officer, ReportStatus.DISMISSED, text)
    record_audit(
        officer,
        AuditAction.ABUSE_REPORT_DISMISSED,
        "abuse_report",
        report.id,
        {"status": ReportStatus.OPEN.value},
        {"status": ReportStatus.DISMISSED.value},
        text,
    )
    return report
