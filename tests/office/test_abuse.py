"""Reports of spam or abuse: the office sees who reported what and why, resolves a report
(closing the conversation as spam if asked) or dismisses it with a reason."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.interests import transitions
from marketplace.interests.models import Interest, InterestStatus
from marketplace.ledger.models import AbuseReport, AuditEntry, ReportStatus
from tests.factories import make_buyer, make_listing
from tests.interests.helpers import express
from tests.office.helpers import flashes, submit


def _reported(app: Flask) -> tuple[int, int]:
    """An interest its buyer reported to the office (it stays open until the office acts)."""
    with app.app_context():
        buyer = make_buyer(company="Spam Traders Ltd")
        product = make_listing("Batik silk scarf")
        interest = express(buyer, product, "Cheap watches! Click here.")
        report, _created = transitions.report_spam(interest, buyer, "The maker sends me ads.")
        db.session.commit()
        return report.id, interest.id


def test_a_report_is_shown_and_resolved_closing_the_conversation_as_spam(
    app: Flask, login_as: Any, officer: User
) -> None:
    report_id, interest_id = _reported(app)
    client = login_as(officer)
    queue = client.get("/office/queues/reports").get_data(as_text=True)
    assert "The maker sends me ads." in queue and "Interest in Batik silk scarf" in queue
    page = f"/office/abuse/{report_id}"
    html = client.get(page).get_data(as_text=True)
    assert f"/interests/{interest_id}" in html
    response = submit(
        client,
        page,
        f"{page}/resolve",
        {"resolve-note": "Closed as spam.", "resolve-mark_spam": "y"},
        follow_redirects=True,
    )
    assert "The report is resolved." in flashes(response)
    with app.app_context():
        report = db.session.get_one(AbuseReport, report_id)
        assert (report.status, report.handled_by_id, report.resolution) == (
            ReportStatus.RESOLVED,
            officer.id,
            "Closed as spam.",
        )
        assert db.session.get_one(Interest, interest_id).status == InterestStatus.SPAM
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == officer.id)
        ).all()
        assert sorted(actions) == ["abuse_report.resolved", "interest.spam"]
    assert "No report is open." in client.get("/office/queues/reports").get_data(as_text=True)


def test_dismissing_a_report_needs_a_reason(app: Flask, login_as: Any, officer: User) -> None:
    report_id, interest_id = _reported(app)
    client = login_as(officer)
    page = f"/office/abuse/{report_id}"
    response = submit(client, page, f"{page}/dismiss", {"dismiss-reason": " "})
    assert response.status_code == 400
    assert "Please give the reason." in response.get_data(as_text=True)
    submit(client, page, f"{page}/dismiss", {"dismiss-reason": "A normal question."})
    with app.app_context():
        report = db.session.get_one(AbuseReport, report_id)
        assert (report.status, report.resolution) == (ReportStatus.DISMISSED, "A normal question.")
        assert db.session.get_one(Interest, interest_id).status == InterestStatus.NEW
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "abuse_report.dismissed")
        ).one()
        assert (entry.actor_id, entry.reason) == (officer.id, "A normal question.")
    html = client.get(page).get_data(as_text=True)
    assert "Dismiss the report" not in html  # decided: no more decision forms


def test_the_report_page_reads_in_words(app: Flask, login_as: Any, officer: User) -> None:
    report_id, _interest_id = _reported(app)
    client = login_as(officer)
    page = f"/office/abuse/{report_id}"
    html = client.get(page).get_data(as_text=True)
    assert "<dt>Status</dt><dd>Open</dd>" in html and "status: New</dd>" in html
    submit(client, page, f"{page}/dismiss", {"dismiss-reason": "An ordinary offer."})
    html = client.get(page).get_data(as_text=True)
    assert "<dt>Status</dt><dd>Dismissed</dd>" in html
    assert "<td>Report of abuse dismissed <span" in html and "(Open → Dismissed)" in html
