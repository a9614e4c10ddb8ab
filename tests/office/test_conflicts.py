"""Two officers deciding the same item: one decision wins, the other gets a conflict message and
overwrites nothing. Threads with their own sessions race at a barrier (on PostgreSQL the row
lock decides, on SQLite the write lock); the HTTP tests decide from a page opened earlier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import begin_write, db
from marketplace.errors import ConflictError
from marketplace.ledger.models import AbuseReport, AuditEntry, ReportStatus
from marketplace.office import abuse, decisions
from marketplace.products.models import Product, ProductStatus
from tests.factories import (
    make_abuse_report,
    make_business,
    make_buyer,
    make_listing,
    make_product,
    make_user,
)
from tests.interests.helpers import express
from tests.office.helpers import flashes, submit_from

Decision = Callable[[User, int, str], object]


def race(
    app: Flask, officers: list[User], decide: list[Decision], item_id: int, seen: str
) -> dict[str, list[str]]:
    """Both officers decide at the same moment, each in a thread with its own session."""
    barrier = threading.Barrier(len(officers))
    outcome: dict[str, list[str]] = {"won": [], "conflict": [], "error": []}

    def run(officer_id: int, decision: Decision, name: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                begin_write()  # as every POST does before anything else
                officer = db.session.get_one(User, officer_id)
                decision(officer, item_id, seen)
                db.session.commit()
                outcome["won"].append(name)
            except ConflictError as error:
                db.session.rollback()
                outcome["conflict"].append(str(error.message))
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcome["error"].append(repr(error))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(officer.id, decision, officer.name))
        for officer, decision in zip(officers, decide, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["error"] == []
    return outcome


@pytest.mark.committing  # threads, each on its own connection
def test_two_officers_deciding_a_business_at_once(
    app: Flask, officer: User, second_officer: User
) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.PENDING)
        business_id, seen = business.id, decisions.seen_token(business)
        db.session.commit()
    outcome = race(
        app,
        [officer, second_officer],
        [
            lambda o, i, s: decisions.verify_business(i, o, s),
            lambda o, i, s: decisions.reject_business(i, o, s, "The NIB is unknown."),
        ],
        business_id,
        seen,
    )
    assert len(outcome["won"]) == 1 and len(outcome["conflict"]) == 1
    winner = outcome["won"][0]
    assert outcome["conflict"][0].startswith("Another officer already decided this item (")
    assert f"by {winner} at " in outcome["conflict"][0]
    with app.app_context():
        decided = db.session.get_one(Business, business_id)
        expected = BusinessStatus.VERIFIED if winner == officer.name else BusinessStatus.REJECTED
        assert decided.status == expected
        entries = db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.subject_type == "business",
                AuditEntry.action.in_(["business.verified", "business.rejected"]),
            )
        ).all()
        assert len(entries) == 1


@pytest.mark.committing  # threads, each on its own connection
def test_two_officers_deciding_a_product_at_once(
    app: Flask, officer: User, second_officer: User
) -> None:
    with app.app_context():
        product = make_product(make_business(), status=ProductStatus.PENDING_REVIEW)
        product_id, seen = product.id, decisions.seen_token(product)
        db.session.commit()
    outcome = race(
        app,
        [officer, second_officer],
        [
            lambda o, i, s: decisions.reject_product(i, o, s, "Blurry photos."),
            lambda o, i, s: decisions.approve_product(i, o, s),
        ],
        product_id,
        seen,
    )
    assert len(outcome["won"]) == 1 and len(outcome["conflict"]) == 1
    with app.app_context():
        status = db.session.get_one(Product, product_id).status
        assert status == (
            ProductStatus.REJECTED if outcome["won"] == [officer.name] else ProductStatus.PUBLISHED
        )


@pytest.mark.committing  # threads, each on its own connection
def test_two_officers_suspending_the_same_account_at_once(
    app: Flask, officer: User, second_officer: User
) -> None:
    with app.app_context():
        user = make_user(Role.BUYER)
        user_id, seen = user.id, decisions.seen_token(user)
        db.session.commit()
    outcome = race(
        app,
        [officer, second_officer],
        [
            lambda o, i, s: decisions.suspend_user(i, o, s, "Spam in every conversation."),
            lambda o, i, s: decisions.suspend_user(i, o, s, "Fake company."),
        ],
        user_id,
        seen,
    )
    assert len(outcome["won"]) == 1 and len(outcome["conflict"]) == 1
    with app.app_context():
        suspended = db.session.get_one(User, user_id)
        assert suspended.status == UserStatus.SUSPENDED
        reasons = db.session.scalars(
            sa.select(AuditEntry.reason).where(AuditEntry.action == "user.suspend")
        ).all()
        assert reasons == [suspended.status_reason]


@pytest.fixture
def reported(app: Flask) -> int:
    with app.app_context():
        buyer = make_buyer()
        interest = express(buyer, make_listing())
        report = make_abuse_report(buyer, "interest", interest.id)
        db.session.commit()
        return report.id


@pytest.mark.committing  # threads, each on its own connection
def test_two_officers_handling_the_same_report_at_once(
    app: Flask, officer: User, second_officer: User, reported: int
) -> None:
    outcome = race(
        app,
        [officer, second_officer],
        [
            lambda o, i, s: abuse.resolve_report(i, o, s, "Buyer warned."),
            lambda o, i, s: abuse.dismiss_report(i, o, s, "Not spam."),
        ],
        reported,
        ReportStatus.OPEN.value,
    )
    assert len(outcome["won"]) == 1 and len(outcome["conflict"]) == 1
    with app.app_context():
        report = db.session.get_one(AbuseReport, reported)
        assert report.status != ReportStatus.OPEN
        assert report.handled_by.name == outcome["won"][0]


def test_a_stale_page_gets_a_conflict_message_and_changes_nothing(
    app: Flask, login_as: Any, officer: User, second_officer: User
) -> None:
    with app.app_context():
        business_id = make_business(status=BusinessStatus.PENDING).id
        db.session.commit()
    page = f"/office/businesses/{business_id}"
    first, second = login_as(officer), login_as(second_officer)
    first_page = first.get(page).get_data(as_text=True)
    second_page = second.get(page).get_data(as_text=True)
    submit_from(first, first_page, f"{page}/verify")
    response = submit_from(
        second,
        second_page,
        f"{page}/reject",
        {"reject-reason": "Looks incomplete."},
        follow_redirects=True,
    )
    message = flashes(response)
    assert "Another officer already decided this item (verified by Dewi Officer at " in message
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        assert (business.status, business.status_reason) == (BusinessStatus.VERIFIED, None)
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.subject_type == "business")
        ).all()
        assert actions == ["business.verified"]


def test_a_stale_report_page_gets_a_conflict_message(
    app: Flask, login_as: Any, officer: User, second_officer: User, reported: int
) -> None:
    page = f"/office/abuse/{reported}"
    first, second = login_as(officer), login_as(second_officer)
    first_page = first.get(page).get_data(as_text=True)
    second_page = second.get(page).get_data(as_text=True)
    submit_from(first, first_page, f"{page}/resolve", {"resolve-note": "Warned."})
    response = submit_from(
        second,
        second_page,
        f"{page}/dismiss",
        {"dismiss-reason": "Nothing wrong."},
        follow_redirects=True,
    )
    assert "Another officer already decided this item (resolved by Dewi Officer at " in flashes(
        response
    )
    with app.app_context():
        report = db.session.get_one(AbuseReport, reported)
        assert (report.status, report.resolution) == (ReportStatus.RESOLVED, "Warned.")
