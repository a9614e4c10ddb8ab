"""The jobs' own housekeeping: done jobs are deleted after JOB_KEEP_DONE_DAYS."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from marketplace.jobs.claiming import purge_done
from marketplace.jobs.registry import Payload, task


@task("purge-done-jobs")
def purge_done_jobs(_payload: Payload) -> None:
    purge_done(timedelta(days=int(current_app.config["JOB_KEEP_DONE_DAYS"])))
