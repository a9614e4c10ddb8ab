"""The database decides whether a visit is the visitor's first of the day."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask

from marketplace.counting.models import CountedVisit
from marketplace.counting.services import first_visit
from marketplace.db import db

DAY = date(2026, 5, 21)


def test_a_visit_counts_once_per_visitor_subject_and_day(ctx: Flask) -> None:
    assert first_visit("a" * 64, "scan:1", DAY)
    assert not first_visit("a" * 64, "scan:1", DAY)
    assert first_visit("a" * 64, "scan:2", DAY)
    assert first_visit("b" * 64, "scan:1", DAY)
    assert first_visit("a" * 64, "scan:1", DAY + timedelta(days=1))
    db.session.commit()
    assert not first_visit("a" * 64, "scan:1", DAY)


def test_marks_older_than_yesterday_are_forgotten(ctx: Flask) -> None:
    for days_ago in (5, 2, 1, 0):
        first_visit("a" * 64, "product:1:0", DAY - timedelta(days=days_ago))
    first_visit("b" * 64, "product:1:0", DAY)
    days = db.session.scalars(sa.select(CountedVisit.day).order_by(CountedVisit.day)).all()
    assert days == [DAY - timedelta(days=1), DAY, DAY]
