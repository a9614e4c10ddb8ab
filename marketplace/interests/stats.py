"""How quickly a business answers its buyers, counted in SQL (SQLite and PostgreSQL alike): the
share of interests answered within 48 hours and the median time to the first reply, over the
last 90 days and the 90 days before, for the owner's workspace.

An interest counts once its 48 hours have passed or once it is answered: one that arrived an
hour ago and waits is not late yet. Spam is not counted. The median is found in the database
by ordering the answered interests' reply times and reading the middle one (or two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, InterestStatus
from marketplace.products.models import Product

PROMPT = timedelta(hours=48)  # "answered within two days"
WINDOW = timedelta(days=90)


class SecondsBetween(sa.ColumnElement[float]):
    """The seconds from one timestamp column to another, to the microsecond."""

    inherit_cache = True
    type = sa.Float()
    _traverse_internals = [
        ("start", InternalTraversal.dp_clauseelement),
        ("end", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, start: Any, end: Any) -> None:
        self.start = start
        self.end = end


@compiles(SecondsBetween)
def _postgres_seconds(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = compiler.process(element.start, **kw), compiler.process(element.end, **kw)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(SecondsBetween, "sqlite")
def _sqlite_seconds(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds from strftime, then the
    # microseconds from the last six characters, so 48 hours are exactly 172800 seconds.
    def seconds(column: str) -> str:
        return (
            f"(CAST(strftime('%s', {column}) AS INTEGER)"
            f" + CAST(substr({column}, 21, 6) AS INTEGER) / 1000000.0)"
        )

    start, end = compiler.process(element.start, **kw), compiler.process(element.end, **kw)
    return f"({seconds(end)} - {seconds(start)})"


REPLY_SECONDS = SecondsBetween(Interest.created_at, Interest.first_reply_at)


@dataclass(frozen=True)
class Responsiveness:
    """One period's figures; `counted` is 0 when there is nothing to say yet."""

    counted: int = 0  # interests answered, or waiting longer than 48 hours
    answered: int = 0
    within_48h: int = 0
    median_seconds: float | None = None

    @property
    def share(self) -> float | None:
        return self.within_48h / self.counted if self.counted else None


@dataclass(frozen=True)
class ResponsivenessTrend:
    recent: Responsiveness  # the last 90 days
    before: Responsiveness  # the 90 days before them
    waiting: int  # open interests without any reply yet, whatever their age


def _of_business(business_id: int, start: datetime, end: datetime) -> list[Any]:
    return [
        Interest.product_id.in_(sa.select(Product.id).where(Product.business_id == business_id)),
        Interest.status != InterestStatus.SPAM,
        Interest.created_at >= start,
        Interest.created_at < end,
    ]


def _figures(business_id: int, start: datetime, end: datetime, now: datetime) -> Responsiveness:
    answered = Interest.first_reply_at.is_not(None)
    due = sa.or_(answered, Interest.created_at <= now - PROMPT)
    prompt = sa.and_(answered, REPLY_SECONDS <= PROMPT.total_seconds())
    row = db.session.execute(
        sa.select(
            *(
                sa.func.sum(sa.case((condition, 1), else_=0))
                for condition in (due, answered, prompt)
            )
        ).where(*_of_business(business_id, start, end))
    ).one()
    counted, replied, within = (int(value or 0) for value in row)
    return Responsiveness(
        counted=counted,
        answered=replied,
        within_48h=within,
        median_seconds=_median(business_id, start, end, replied),
    )


def _median(business_id: int, start: datetime, end: datetime, answered: int) -> float | None:
    """The middle reply time of `answered` interests (the mean of the middle two when even)."""
    if not answered:
        return None
    middle = (
        sa.select(REPLY_SECONDS.label("seconds"))
        .where(*_of_business(business_id, start, end), Interest.first_reply_at.is_not(None))
        .order_by(REPLY_SECONDS, Interest.id)
        .offset((answered - 1) // 2)
        .limit(2 - answered % 2)
    )
    values = [float(value) for value in db.session.scalars(middle)]
    return sum(values) / len(values)


def responsiveness(business_id: int, now: datetime | None = None) -> ResponsivenessTrend:
    now = now or utcnow()
    waiting = db.session.scalar(
        sa.select(sa.func.count()).where(
            Interest.product_id.in_(
                sa.select(Product.id).where(Product.business_id == business_id)
            ),
            Interest.status == InterestStatus.NEW,
            Interest.first_reply_at.is_(None),
        )
    )
    return ResponsivenessTrend(
        recent=_figures(business_id, now - WINDOW, now, now),
        before=_figures(business_id, now - 2 * WINDOW, now - WINDOW, now),
        waiting=int(waiting or 0),
    )
