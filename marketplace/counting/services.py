"""Marking a visitor's first opening of a thing on a day, with the database as the judge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.counting.models import CountedVisit
from marketplace.db import db

MARKS = cast(sa.Table, CountedVisit.__table__)
KEEP_DAYS = 2  # today's marks decide; yesterday's stay for requests that straddle midnight
ROWS_PER_INSERT = 300  # three values a row, well under SQLite's limit of bound values

Mark = tuple[date, str, str]  # day, subject, visitor: the key of `counted_visits`


def new_marks(marks: Iterable[Mark]) -> set[Mark]:
    """Mark the visits; the marks that went in, i.e. the visitors' first openings that day.

    INSERT .. ON CONFLICT DO NOTHING .. RETURNING, many rows at once: of two transactions
    marking the same visit at once, the database lets exactly one insert it (the other waits
    for it on PostgreSQL, or for the write lock on SQLite, and then inserts nothing).
    """
    rows = [{"day": day, "subject": subject, "visitor": visitor} for day, subject, visitor in marks]
    if not rows:
        return set()
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    inserted: set[Mark] = set()
    for start in range(0, len(rows), ROWS_PER_INSERT):
        result = connection.execute(
            insert(MARKS)
            .values(rows[start : start + ROWS_PER_INSERT])
            .on_conflict_do_nothing(index_elements=["day", "subject", "visitor"])
            # RETURNING says which rows went in (psycopg reports no rowcount here).
            .returning(MARKS.c.day, MARKS.c.subject, MARKS.c.visitor)
        )
        inserted.update((day, subject, visitor) for day, subject, visitor in result)
    return inserted


def first_visit(visitor: str, subject: str, day: date) -> bool:
    """Mark the visit; True when it is the visitor's first opening of `subject` on `day`."""
    if not new_marks([(day, subject, visitor)]):
        return False
    forget_marks_before(day - timedelta(days=KEEP_DAYS - 1))
    return True


def forget_marks_before(day: date) -> int:
    """Delete the marks of days before `day`: they decide nothing any more."""
    result = db.session.execute(sa.delete(CountedVisit).where(CountedVisit.day < day))
    return int(getattr(result, "rowcount", 0) or 0)
