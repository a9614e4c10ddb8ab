"""The interests' scheduled jobs (see `jobs.schedule`), the same work as their commands."""

from __future__ import annotations

from marketplace.db import begin_write
from marketplace.interests.pending import purge_expired
from marketplace.interests.reminders import remind_unanswered
from marketplace.jobs.registry import Payload, task


@task("remind-unanswered")
def remind_unanswered_task(_payload: Payload) -> None:
    begin_write()
    remind_unanswered()


@task("purge-pending-interests")
def purge_pending_task(_payload: Payload) -> None:
    begin_write()
    purge_expired()
