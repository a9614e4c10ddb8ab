"""`flask remind-unanswered`: owners are reminded after 48 hours and the office is told after
5 days, once each; answered, closed and recent interests are left alone."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, UserStatus
from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, InterestStatus
from marketplace.interests.reminders import remind_unanswered
from marketplace.interests.services import post_message
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import count, express


def _aged(hours: float, name: str) -> Interest:
    interest = express(make_buyer(f"Buyer of {name}"), make_listing(name))
    interest.created_at = utcnow() - timedelta(hours=hours)
    db.session.flush()
    return interest


def _kinds(kind: str) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Notification.user_id)
            .where(Notification.kind == kind)
            .order_by(Notification.user_id)
        )
    )


def test_thresholds_and_no_second_reminder(ctx: Flask) -> None:
    officers = [make_user(Role.OFFICER), make_user(Role.OFFICER)]
    make_user(Role.OFFICER, status=UserStatus.SUSPENDED)
    fresh = _aged(47, "Fresh lamp")
    waiting = _aged(49, "Waiting vase")
    forgotten = _aged(24 * 5 + 1, "Forgotten bag")
    answered = _aged(24 * 6, "Answered scarf")
    post_message(answered, answered.product.business.owner, "Sorry for the delay!")
    closed = _aged(24 * 6, "Closed mat")
    closed.status = InterestStatus.WITHDRAWN
    mails_before = count(OutboxEmail)

    run = remind_unanswered()
    assert (run.reminded, run.escalated, run.officers) == (2, 1, 2)
    owners = sorted([waiting.product.business.owner_id, forgotten.product.business.owner_id])
    assert _kinds("interest_reminder") == owners
    assert _kinds("interest_escalation") == sorted(o.id for o in officers)
    assert fresh.reminder_sent_at is None and answered.reminder_sent_at is None
    assert closed.reminder_sent_at is None and forgotten.escalated_at is not None
    assert count(OutboxEmail) == mails_before + 4
    subjects = db.session.scalars(sa.select(OutboxEmail.subject)).all()
    assert "A buyer is waiting for your answer about Waiting vase" in subjects
    assert "Unanswered interest: Maker of Forgotten bag" in subjects

    again = remind_unanswered()
    assert (again.reminded, again.escalated) == (0, 0)
    assert _kinds("interest_reminder") == owners  # nobody is reminded twice
    assert len(_kinds("interest_escalation")) == len(officers)


def test_with_no_officer_the_escalation_waits_for_one(ctx: Flask) -> None:
    forgotten = _aged(24 * 7, "Lonely lamp")
    run = remind_unanswered()
    assert (run.reminded, run.escalated, run.officers) == (1, 0, 0)
    assert forgotten.escalated_at is None
    officer = make_user(Role.OFFICER)
    later = remind_unanswered()
    assert (later.reminded, later.escalated) == (0, 1)
    assert _kinds("interest_escalation") == [officer.id]


def test_the_command_prints_a_summary(app: Flask) -> None:
    with app.app_context():
        make_user(Role.OFFICER)
        _aged(24 * 6, "Old basket")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["remind-unanswered"])
    assert result.exit_code == 0, result.output
    assert "Reminded the owners of 1 interest(s) unanswered after 48 hours." in result.output
    assert "Told 1 officer(s) about 1 interest(s) unanswered after 5 days." in result.output
    second = app.test_cli_runner().invoke(args=["remind-unanswered"])
    assert "Reminded the owners of 0 interest(s)" in second.output
    with app.app_context():
        link = db.session.scalars(
            sa.select(Notification.link).where(Notification.kind == "interest_reminder")
        ).one()
        body = db.session.scalars(
            sa.select(OutboxEmail.body).where(OutboxEmail.subject.like("A buyer is waiting%"))
        ).one()
    assert link is not None and link.startswith("/interests/")
    assert f"{app.config['BASE_URL']}{link}" in body
