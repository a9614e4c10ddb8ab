"""The two parties' requests at the same moment, through the whole stack: one status step each.

Every step locks the interest's row first, so two first answers make one "replied" step and two
clicks on "won" record one deal; the later request is told, nobody gets an error page.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.ledger.models import AuditEntry
from tests.businesses.helpers import commit_and_detach
from tests.concurrency import form_post, run_together
from tests.factories import make_buyer, make_listing
from tests.interests.helpers import express

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing


def _interest(app: Flask, status: InterestStatus = InterestStatus.NEW) -> tuple[Any, int]:
    with app.app_context():
        interest = express(make_buyer(), make_listing())
        interest.status = status
        owner, interest_id = interest.product.business.owner, interest.id
        commit_and_detach(owner)
    return owner, interest_id


def _audit_actions(app: Flask, interest_id: int) -> list[str]:
    with app.app_context():
        query = sa.select(AuditEntry.action).where(
            AuditEntry.subject_type == "interest", AuditEntry.subject_id == interest_id
        )
        return sorted(db.session.scalars(query))


def test_two_first_answers_at_once_make_one_replied_step(app: Flask, login_as: Any) -> None:
    owner, interest_id = _interest(app)
    thread = f"/interests/{interest_id}"
    posts = [
        form_post(login_as(owner), f"{thread}/messages", {"body": f"Answer {n}"}, thread)
        for n in range(2)
    ]
    assert run_together(posts) == [302, 302]
    assert _audit_actions(app, interest_id).count("interest.replied") == 1
    with app.app_context():
        messages = db.session.scalar(
            sa.select(sa.func.count()).where(Message.interest_id == interest_id)
        )
        assert messages == 2  # both answers are kept


def test_two_won_steps_at_once_record_one_deal(app: Flask, login_as: Any) -> None:
    owner, interest_id = _interest(app, InterestStatus.REPLIED)
    thread = f"/interests/{interest_id}"
    posts = [
        form_post(
            login_as(owner),
            f"{thread}/status",
            {"status": "won", "won_quantity": str(quantity), "won_value": str(quantity * 1000)},
            thread,
        )
        for quantity in (10, 20)
    ]
    codes = run_together(posts)
    assert sorted(codes) == [302, 400] or codes == [302, 302]
    assert _audit_actions(app, interest_id).count("interest.won") == 1
    with app.app_context():
        interest = db.session.get_one(Interest, interest_id)
        entry = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "interest.won", AuditEntry.subject_id == interest_id
            )
        ).one()
        assert interest.status == InterestStatus.WON
        # The deal recorded is the one the audit log names, not a mix of the two requests.
        assert entry.after is not None
        assert (interest.won_quantity, interest.won_value_idr) == (
            entry.after["won_quantity"],
            entry.after["won_value_idr"],
        )
