"""`flask worker`: run background jobs and the schedule until stopped (or, with --burst, until
nothing is due)."""

from __future__ import annotations

import logging
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.jobs.worker import Worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs that are due, then exit.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run queued jobs and the schedule (JOB_POLL_SECONDS between looks at an empty queue).

    SIGTERM or Ctrl-C lets the current job finish, then the worker exits."""
    config = current_app.config
    mail_log = current_app.logger.getChild("mail")
    if mail_log.level == logging.NOTSET:
        # Without a mail server the log is where the mail goes (mail.delivery): show it.
        mail_log.setLevel(logging.INFO)
    worker = Worker(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        burst=burst,
        poll_seconds=float(config["JOB_POLL_SECONDS"]),
        lease=timedelta(seconds=float(config["JOB_LEASE_SECONDS"])),
        schedule=bool(config["JOB_SCHEDULE"]),
    )
    worker.handle_signals()
    worker.run()
