"""Interests left unanswered that reach the office: `flask remind-unanswered` puts each in the
office's queue once; an officer takes it, keeps notes, records contacting the MSME and closes
it; every step is in the audit log in words. An escalation nobody took closes by itself when
the MSME replies; one an officer took shows the reply and stays theirs to close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db, utcnow
from marketplace.interests.models import (
    ContactChannel,
    Escalation,
    EscalationNoteKind,
    EscalationOutcome,
    EscalationStatus,
    Interest,
)
from marketplace.interests.reminders import remind_unanswered
from marketplace.interests.services import post_message
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import express
from tests.office.helpers import audit_actions, flashes, submit, submit_from


def _forgotten(app: Flask, name: str = "Rattan basket", days: int = 6) -> tuple[int, int]:
    """An interest unanswered for `days`, escalated by the reminder command's function:
    (escalation id, interest id)."""
    with app.app_context():
        interest = express(make_buyer(f"Buyer of {name}"), make_listing(name))
        interest.created_at = utcnow() - timedelta(days=days)
        db.session.flush()
        remind_unanswered()
        escalation = db.session.scalars(
            sa.select(Escalation).where(Escalation.interest_id == interest.id)
        ).one()
        db.session.commit()
        return escalation.id, interest.id


def test_the_reminder_puts_an_escalated_interest_in_the_queue_once(
    app: Flask, officer: User
) -> None:
    escalation_id, interest_id = _forgotten(app)
    with app.app_context():
        assert remind_unanswered().escalated == 0
        rows = db.session.scalars(sa.select(Escalation)).all()
        assert [(row.id, row.interest_id, row.status) for row in rows] == [
            (escalation_id, interest_id, EscalationStatus.OPEN)
        ]
        db.session.commit()
    assert audit_actions(app, "escalation", escalation_id) == [("escalation.opened", None)]


def test_an_officer_takes_notes_contacts_and_closes_it(
    app: Flask, login_as: Any, officer: User
) -> None:
    escalation_id, interest_id = _forgotten(app)
    client = login_as(officer)
    queue = client.get("/office/queues/unanswered").get_data(as_text=True)
    assert "Maker of Rattan basket" in queue and "Waiting for an officer" in queue
    overview = client.get("/office/").get_data(as_text=True)
    assert f"/office/unanswered/{escalation_id}" in overview

    page = f"/office/unanswered/{escalation_id}"
    html = client.get(page).get_data(as_text=True)
    assert f"/interests/{interest_id}" in html  # the conversation, to read along
    response = submit(client, page, f"{page}/take", follow_redirects=True)
    assert "It is yours now." in flashes(response)
    assert "Taken by you" in client.get("/office/queues/unanswered").get_data(as_text=True)

    response = submit(client, page, f"{page}/note", {"note-body": "Owner is at a fair in Jakarta."})
    assert response.status_code == 302
    response = submit(
        client,
        page,
        f"{page}/contacted",
        {"contact-channel": "whatsapp", "contact-body": "She will answer tonight."},
        follow_redirects=True,
    )
    assert "Your contact with the MSME is recorded." in flashes(response)
    html = response.get_data(as_text=True)
    assert "Contacted the MSME by WhatsApp" in html and "She will answer tonight." in html

    response = submit(
        client,
        page,
        f"{page}/close",
        {"close-outcome": "buyer_not_interested", "close-note": "Buyer found another maker."},
        follow_redirects=True,
    )
    assert "The unanswered interest is closed." in flashes(response)
    with app.app_context():
        escalation = db.session.get_one(Escalation, escalation_id)
        assert (escalation.status, escalation.outcome, escalation.closed_by_id) == (
            EscalationStatus.CLOSED,
            EscalationOutcome.BUYER_NOT_INTERESTED,
            officer.id,
        )
        kinds = [(n.kind, n.channel, n.author_id) for n in escalation.notes]
        assert kinds == [
            (EscalationNoteKind.NOTE, None, officer.id),
            (EscalationNoteKind.CONTACTED, ContactChannel.WHATSAPP, officer.id),
        ]
    assert audit_actions(app, "escalation", escalation_id) == [
        ("escalation.opened", None),
        ("escalation.taken", officer.id),
        ("escalation.note", officer.id),
        ("escalation.contacted", officer.id),
        ("escalation.closed", officer.id),
    ]
    queue = client.get("/office/queues/unanswered").get_data(as_text=True)
    assert "No unanswered interest is waiting." in queue
    assert "The buyer is no longer interested" in queue  # under "Recently closed"
    # The audit log in words.
    log = client.get("/office/audit?subject_type=escalation").get_data(as_text=True)
    for words in (
        "Unanswered interest sent to the office",
        "Unanswered interest taken by an officer",
        "Note on an unanswered interest",
        "MSME contacted about an unanswered interest",
        "Unanswered interest closed",
        "outcome: The buyer is no longer interested",
        "channel: WhatsApp",
        "Waiting for an officer",
    ):
        assert words in log, words
    # A closed one offers no more steps.
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/close" not in html and f"{page}/note" not in html


def test_bad_input_changes_nothing_and_says_why_once(
    app: Flask, login_as: Any, officer: User
) -> None:
    escalation_id, _interest_id = _forgotten(app)
    client = login_as(officer)
    page = f"/office/unanswered/{escalation_id}"
    for action, data, message in [
        ("note", {"note-body": "  "}, "Please write a note."),
        (
            "contacted",
            {"contact-channel": "", "contact-body": "Called."},
            "Please choose how you contacted the MSME.",
        ),
        (
            "contacted",
            {"contact-channel": "pigeon", "contact-body": "Called."},
            "Not a valid choice.",
        ),
        ("close", {"close-outcome": ""}, "Please choose how it ended."),
        ("close", {"close-outcome": "other", "close-note": ""}, "Please say in the note"),
    ]:
        response = submit(client, page, f"{page}/{action}", data)
        assert response.status_code == 400, (action, data)
        assert response.get_data(as_text=True).count(message) == 1, (action, data)
    assert audit_actions(app, "escalation", escalation_id) == [("escalation.opened", None)]
    with app.app_context():
        escalation = db.session.get_one(Escalation, escalation_id)
        assert escalation.status == EscalationStatus.OPEN and escalation.notes == []


def test_a_second_officer_on_an_old_page_gets_a_conflict_and_may_take_it_over(
    app: Flask, login_as: Any, officer: User, second_officer: User
) -> None:
    escalation_id, _interest_id = _forgotten(app)
    page = f"/office/unanswered/{escalation_id}"
    first, second = login_as(officer), login_as(second_officer)
    stale = second.get(page).get_data(as_text=True)
    submit(first, page, f"{page}/take")
    response = submit_from(second, stale, f"{page}/take", follow_redirects=True)
    assert "Another officer already decided this item (taken by Dewi Officer" in flashes(response)
    # On the fresh page the second officer can take it over.
    response = submit(second, page, f"{page}/take", follow_redirects=True)
    assert "It is yours now." in flashes(response)
    with app.app_context():
        assert db.session.get_one(Escalation, escalation_id).taken_by_id == second_officer.id
    log = first.get("/office/audit?subject_type=escalation").get_data(as_text=True)
    assert "taken_by: Dewi Officer" in log and "taken_by: Budi Officer" in log


def test_a_reply_closes_an_untaken_one_and_is_shown_on_a_taken_one(
    app: Flask, login_as: Any, officer: User
) -> None:
    untaken_id, untaken_interest = _forgotten(app, "Bamboo lamp")
    taken_id, taken_interest = _forgotten(app, "Batik scarf")
    client = login_as(officer)
    submit(client, f"/office/unanswered/{taken_id}", f"/office/unanswered/{taken_id}/take")
    with app.app_context():
        for interest_id in (untaken_interest, taken_interest):
            interest = db.session.get_one(Interest, interest_id)
            post_message(interest, interest.product.business.owner, "Sorry, we were at a fair!")
        db.session.commit()
        untaken = db.session.get_one(Escalation, untaken_id)
        assert (untaken.status, untaken.outcome, untaken.closed_by_id) == (
            EscalationStatus.CLOSED,
            EscalationOutcome.MSME_REPLIED,
            None,
        )
        assert db.session.get_one(Escalation, taken_id).status == EscalationStatus.TAKEN
    queue = client.get("/office/queues/unanswered").get_data(as_text=True)
    assert "The MSME replied on" in queue
    page = client.get(f"/office/unanswered/{taken_id}").get_data(as_text=True)
    assert "The MSME replied on" in page and "The MSME replied" in page
    assert audit_actions(app, "escalation", untaken_id)[-1] == ("escalation.closed", None)


@pytest.mark.parametrize("role", [Role.MSME, Role.BUYER, Role.COORDINATOR])
def test_only_the_office_reaches_the_queue(
    app: Flask, login_as: Any, client: Any, officer: User, role: Role
) -> None:
    escalation_id, _interest_id = _forgotten(app)
    with app.app_context():
        someone = make_user(role)
        commit_and_detach(someone)
    outsider = login_as(someone)
    page = f"/office/unanswered/{escalation_id}"
    for url in ("/office/queues/unanswered", page):
        assert outsider.get(url).status_code in (403, 404)
        assert client.get(url).status_code == 302  # to the login page
    for action in ("take", "note", "contacted", "close"):
        assert outsider.post(f"{page}/{action}", data={}).status_code in (400, 403, 404)
    assert audit_actions(app, "escalation", escalation_id) == [("escalation.opened", None)]


def test_an_unknown_escalation_is_not_found(app: Flask, login_as: Any, officer: User) -> None:
    client = login_as(officer)
    assert client.get("/office/unanswered/999").status_code == 404
    assert client.post("/office/unanswered/999/take", data={}).status_code in (400, 404)
