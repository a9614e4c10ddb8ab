"""Marking a visitor's first opening of a thing on a day, with the database as the judge."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.counting.models import CountedVisit
from marketplace.db import db

MARKS = cast(sa.Table, CountedVisit.__table__)
KEEP_DAYS = 2  # today's marks decide; yesterday's stay for requests that straddle midnight


def first_visit(visitor: str, subject: str, day: date) -> bool:
    """Mark the visit; True when it is the visitor's first opening of `subject` on `day`.

    One INSERT .. ON CONFLICT DO NOTHING: of two requests at once, the database lets exactly
    one insert the mark (the other waits for it on PostgreSQL, or for the write lock on SQLite,
    and then inserts nothing).
    """
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    inserted = connection.execute(
        insert(MARKS)
        .values(day=day, subject=subject, visitor=visitor)
        .on_conflict_do_nothing(index_elements=["day", "subject", "visitor"])
        # RETURNING says whether a row went in (psycopg reports no rowcount here).
        .returning(MARKS.c.day)
    ).first()
    if inserted is None:
        return False
    forget_marks_before(day - timedelta(days=KEEP_DAYS - 1))
    return True


def forget_marks_before(day: date) -> int:
    """Delete the marks of days before `day`: they decide nothing any more."""
    result = db.session.execute(sa.delete(CountedVisit).where(CountedVisit.day < day))
    return int(getattr(result, "rowcount", 0) or 0)
