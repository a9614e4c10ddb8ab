"""The privacy notice's scheduled job (see `jobs.schedule`), the same work as its command."""

from __future__ import annotations

from datetime import timedelta

from marketplace.db import begin_write, utcnow
from marketplace.jobs.registry import Payload, task
from marketplace.privacy.services import VISITOR_KEEP_DAYS, purge_visitors


@task("purge-stand-visitors")
def purge_stand_visitors_task(_payload: Payload) -> None:
    begin_write()
    purge_visitors(utcnow() - timedelta(days=VISITOR_KEEP_DAYS))
