"""One report of spam or abuse: what was reported, by whom and why, with the conversation it
concerns; the officer resolves it (optionally closing the conversation as spam) or dismisses
it with a reason."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from marketplace.accounts.current import me
from marketplace.db import db
from marketplace.ledger.models import AbuseReport, ReportStatus
from marketplace.office import abuse
from marketplace.office.blueprint import bp
from marketplace.office.forms import NoteForm, RecordReasonForm
from marketplace.office.queries import interests_by_id
from marketplace.office.review_views import PageResponse, decide, history


def _report_page(
    report: AbuseReport, resolve: NoteForm | None = None, dismiss: RecordReasonForm | None = None
) -> str:
    seen = report.status.value
    interest = None
    if report.subject_type == "interest":
        interest = db.session.scalar(interests_by_id([report.subject_id]))
    return render_template(
        "office/abuse_report.html",
        report=report,
        interest=interest,
        resolve_form=resolve or NoteForm(formdata=None, data={"seen": seen}, prefix="resolve"),
        dismiss_form=dismiss
        or RecordReasonForm(formdata=None, data={"seen": seen}, prefix="dismiss"),
        is_open=report.status == ReportStatus.OPEN,
        history=history("abuse_report", report.id),
    )


@bp.get("/abuse/<int:report_id>")
def abuse_report(report_id: int) -> str:
    return _report_page(db.get_or_404(AbuseReport, report_id))


@bp.post("/abuse/<int:report_id>/resolve")
def resolve_report(report_id: int) -> PageResponse:
    report = db.get_or_404(AbuseReport, report_id)
    form = NoteForm(prefix="resolve")
    if not form.validate_on_submit():
        return _report_page(report, resolve=form), 400
    seen, note, spam = form.seen.data or "", form.note.data or "", bool(form.mark_spam.data)
    return decide(
        lambda: abuse.resolve_report(report_id, me(), seen, note, spam),
        _("The report is resolved."),
        url_for(".abuse_report", report_id=report_id),
        url_for(".report_queue"),
    )


@bp.post("/abuse/<int:report_id>/dismiss")
def dismiss_report(report_id: int) -> PageResponse:
    report = db.get_or_404(AbuseReport, report_id)
    form = RecordReasonForm(prefix="dismiss")
    if not form.validate_on_submit():
        return _report_page(report, dismiss=form), 400
    seen, reason = form.seen.data or "", form.reason.data or ""
    return decide(
        lambda: abuse.dismiss_report(report_id, me(), seen, reason),
        _("The report is dismissed."),
        url_for(".abuse_report", report_id=report_id),
        url_for(".report_queue"),
    )
