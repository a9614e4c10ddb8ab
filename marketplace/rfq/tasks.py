"""The buying requests' scheduled job (see `jobs.schedule`), the same work as its command."""

from __future__ import annotations

from marketplace.db import begin_write
from marketplace.jobs.registry import Payload, task
from marketplace.rfq.services import tell_closed


@task("close-buying-requests")
def close_buying_requests_task(_payload: Payload) -> None:
    begin_write()
    tell_closed()
