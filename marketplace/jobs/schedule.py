"""The periodic jobs, run by the workers instead of cron.

Every worker, on every loop, queues the tick of each entry that has begun (its start aligned
to the epoch plus the entry's offset) with the dedupe key `name@<tick start>`: however many
workers on however many hosts see the tick, the unique key lets one job in. A worker started
late still queues the current tick, so a tick missed while no worker ran is run once, late.

Each task does its effect once even when it runs twice (a worker killed after the effect, a
manual run of the same command): its writes and the job's "done" commit together (see
`claiming`), and each one checks what is already done:

- send-outbox: each message is locked (SKIP LOCKED) and skipped once `sent_at` is set, which is
  written in the transaction that delivered it (a message whose server accepted it just before
  its worker died may be delivered again: SMTP gives no way to ask).
- remind-unanswered: `Interest.reminder_sent_at` and `escalated_at` written with the reminder.
- remind-certificates: `BusinessCertification.expiry_reminded_for` written with the reminder.
- close-buying-requests: `BuyingRequest.closed_notice_at` written with the notice.
- purge-pending-interests, purge-stand-visitors, purge-done-jobs: what is gone is not found
  again (visitors already erased have `erased_at`).
- rebuild-reports: recounts the report tables from the interests and views, the same every time.
- media-gc: deletes only files no committed row names; a file already deleted is not listed.
- refresh-catalog-pdfs: builds a channel's catalog only when the stored one's version is not
  current (the row locked); the file is named by its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from marketplace.db import begin_write, db
from marketplace.jobs.queue import UnknownTask, enqueue

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Daily work at 19:00 UTC, 02:00 in Bandung: the quietest hour for the office and its MSMEs.
NIGHT = timedelta(hours=19)


@dataclass(frozen=True)
class Entry:
    name: str
    every: timedelta
    offset: timedelta = timedelta(0)

    def tick(self, now: datetime) -> datetime:
        """The start of the tick `now` falls in."""
        elapsed = now - EPOCH - self.offset
        return EPOCH + self.offset + self.every * (elapsed // self.every)

    def dedupe_key(self, tick: datetime) -> str:
        return f"{self.name}@{tick.astimezone(UTC).isoformat()}"


SCHEDULE: tuple[Entry, ...] = (
    # A safety net: each message has a job of its own, queued with it (mail.tasks).
    Entry("send-outbox", MINUTE),
    Entry("refresh-catalog-pdfs", MINUTE),
    Entry("remind-unanswered", HOUR),
    Entry("close-buying-requests", HOUR, timedelta(minutes=5)),
    Entry("purge-pending-interests", HOUR, timedelta(minutes=10)),
    Entry("remind-certificates", DAY, NIGHT),
    Entry("purge-stand-visitors", DAY, NIGHT + timedelta(minutes=10)),
    Entry("rebuild-reports", DAY, NIGHT + timedelta(minutes=20)),
    Entry("media-gc", DAY, NIGHT + timedelta(minutes=40)),
    Entry("purge-done-jobs", DAY, NIGHT + timedelta(minutes=50)),
)


class Ticks:
    """A worker's memory of the ticks it has queued, so that it writes only when one begins."""

    def __init__(self, schedule: tuple[Entry, ...] = SCHEDULE) -> None:
        self.schedule = schedule
        self.queued: dict[str, datetime] = {}

    def queue_due(self, now: datetime) -> list[str]:
        """Queue each entry's current tick not queued yet by this worker, in one transaction;
        the dedupe keys of the jobs this worker's INSERTs added (others' are left alone)."""
        due = [(e, e.tick(now)) for e in self.schedule if self.queued.get(e.name) != e.tick(now)]
        if not due:
            return []
        added = []
        begin_write()
        try:
            for entry, tick in due:
                key = entry.dedupe_key(tick)
                try:
                    if enqueue(entry.name, run_at=tick, dedupe_key=key):
                        added.append(key)
                except UnknownTask:
                    current_app.logger.error("The schedule names no task %r", entry.name)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        for entry, tick in due:
            self.queued[entry.name] = tick
        return added
