"""The outcome reports' nightly recount (see `jobs.schedule`), the same as `flask
rebuild-reports`: it recounts from the interests and views, so running it twice changes
nothing."""

from __future__ import annotations

from marketplace.db import db
from marketplace.jobs.registry import Payload, task
from marketplace.office.rollups import rebuild


@task("rebuild-reports")
def rebuild_reports_task(_payload: Payload) -> None:
    with db.engine.begin() as connection:
        rebuild(connection)
