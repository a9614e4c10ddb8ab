"""Tasks of the tests' own, registered like a feature's: by the test modules and by the worker
processes the tests start (`tests.jobs.worker_app`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import sqlalchemy as sa
from flask import g

from marketplace.db import begin_write, db
from marketplace.jobs.registry import Payload, task
from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import queue_email

RUNS: list[Payload] = []


class Flaky(RuntimeError):
    """The failure the failing task raises."""


@task("tests.record-run")
def record_run(payload: Payload) -> None:
    """Appends the job's key and the worker's pid to a file, with no check at all: a job run
    twice shows twice. A worker's first run waits (up to a minute) until `workers` processes
    have each begun one, so that they really claim side by side."""
    meeting = Path(payload["meeting"])
    (meeting / str(os.getpid())).touch()
    deadline = time.monotonic() + 60
    while len(list(meeting.iterdir())) < payload["workers"] and time.monotonic() < deadline:
        time.sleep(0.02)
    with open(payload["file"], "a") as handle:
        handle.write(f"{payload['key']} {os.getpid()}\n")


@task("tests.remember")
def remember(payload: Payload) -> None:
    RUNS.append({**payload, "request_id": g.get("request_id")})


@task("tests.fail", max_attempts=3)
def fail(payload: Payload) -> None:
    raise Flaky(f"failing on purpose: {payload.get('why', 'no reason')}")


@task("tests.welcome-once")
def welcome_once(payload: Payload) -> None:
    """A real effect done once however often the job runs: the welcome mail is written only if
    none was written for that address (checked under the write lock), and committed; then, while
    `hold` names a file that exists, the task waits there (a worker killed now dies after the
    effect and before its job is done)."""
    address = payload["to"]
    begin_write()
    written = db.session.scalar(sa.select(sa.func.count()).where(OutboxEmail.to_address == address))
    if not written:
        queue_email(address, "Welcome", "Selamat datang.")
    db.session.commit()
    hold = Path(payload["hold"])
    if hold.exists():
        Path(payload["started"]).write_text(str(os.getpid()))
        while hold.exists():
            time.sleep(0.05)
