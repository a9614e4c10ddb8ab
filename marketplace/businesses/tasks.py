"""The businesses' scheduled job (see `jobs.schedule`), the same work as its command."""

from __future__ import annotations

from marketplace.businesses.reminders import remind_certificates
from marketplace.db import begin_write
from marketplace.jobs.registry import Payload, task


@task("remind-certificates")
def remind_certificates_task(_payload: Payload) -> None:
    begin_write()
    remind_certificates()
