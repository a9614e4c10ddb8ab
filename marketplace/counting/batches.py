"""Writing a batch of buffered counts: one short write transaction, the marks deciding.

First the marks of the whole batch, in one INSERT .. ON CONFLICT DO NOTHING; then, for the
marks that went in and only for those, the features' recorders. So a visit buffered twice, or
flushed by two workers at once, is counted once: the database lets one mark in.

When a recorder fails (a table it writes is gone, a row refused), the batch is written again
one count at a time, each in a savepoint with its mark, so that the others are counted and the
failing count is kept, mark and all, for the next flush (`MAX_ATTEMPTS` times at most). When the
transaction itself fails (a locked database, a lost connection), the whole batch is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app

from marketplace.counting.recorders import recorder
from marketplace.counting.services import (
    KEEP_DAYS,
    Mark,
    first_visit,
    forget_marks_before,
    new_marks,
)
from marketplace.db import begin_write, db

MAX_ATTEMPTS = 30  # flushes a count may fail in on its own before it is dropped (about a minute)


@dataclass(frozen=True)
class Pending:
    """A visitor's opening of `subject`, counted by `recorder(*ids, at=at)` if it is the first."""

    day: date  # in Bandung, of `at`
    subject: str
    visitor: str
    recorder: str
    ids: tuple[int | None, ...]
    at: datetime
    attempts: int = 0

    @property
    def mark(self) -> Mark:
        return (self.day, self.subject, self.visitor)

    def record(self) -> None:
        recorder(self.recorder)(*self.ids, at=self.at)


def write_batch(batch: Sequence[Pending]) -> list[Pending]:
    """Write the counts; those to keep for the next flush (none when all went well).

    Runs in the current application context's session: whatever it holds is rolled back first
    (a request's read, never a request's unfinished work), and it is left with no transaction.
    """
    first_of: dict[Mark, Pending] = {}
    for pending in batch:
        first_of.setdefault(pending.mark, pending)
    # In the order of the marks, the same in every worker: two batches written at once on
    # PostgreSQL take their locks in one order and rarely wait on each other in a circle (if they
    # do, the database breaks it, and the batch is written again count by count, below).
    distinct = sorted(first_of.values(), key=lambda pending: pending.mark)
    recording = False
    try:
        db.session.rollback()
        begin_write()
        fresh = new_marks(pending.mark for pending in distinct)
        recording = True
        for pending in distinct:
            if pending.mark in fresh:
                pending.record()
        _forget_old_marks(distinct)
        db.session.commit()
        return []
    except Exception:  # the page that counted is long made: log, keep, try again later
        _rollback()
        current_app.logger.exception("Could not record %d counts of views", len(distinct))
        if not recording:
            return distinct
    return _one_by_one(distinct)


def _one_by_one(batch: list[Pending]) -> list[Pending]:
    kept: list[Pending] = []
    try:
        begin_write()
        for pending in batch:
            try:
                with db.session.begin_nested():
                    if first_visit(pending.visitor, pending.subject, pending.day):
                        pending.record()
            except Exception:  # this count only: the others go in
                current_app.logger.exception("Could not record %s", pending.subject)
                kept.append(replace(pending, attempts=pending.attempts + 1))
        db.session.commit()
    except Exception:
        _rollback()
        current_app.logger.exception("Could not record %d counts of views", len(batch))
        return batch
    dropped = [pending for pending in kept if pending.attempts >= MAX_ATTEMPTS]
    for pending in dropped:
        current_app.logger.error(
            "Dropped the count of %s after %d failed attempts", pending.subject, pending.attempts
        )
    return [pending for pending in kept if pending.attempts < MAX_ATTEMPTS]


def _forget_old_marks(batch: Sequence[Pending]) -> None:
    forget_marks_before(max(p.day for p in batch) - timedelta(days=KEEP_DAYS - 1))


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a dead connection cannot even roll back
        current_app.logger.exception("Could not roll back after failing to record counts")
