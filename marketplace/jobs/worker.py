"""The worker's loop: queue the schedule's ticks, claim a job, run it, record the outcome.

Each job runs in an application context of its own, with `g.request_id` set to the id of the
request that queued it, so its log lines and the jobs it queues carry that id. A thread extends
the job's lease while it runs. SIGTERM and SIGINT let the current job finish, then the loop ends.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta
from types import FrameType

import sqlalchemy as sa
from flask import Flask, g
from sqlalchemy.engine import Engine

from marketplace.db import db, utcnow
from marketplace.jobs.claiming import Claimed, claim, heartbeat, mark_done, mark_failed
from marketplace.jobs.models import JobStatus
from marketplace.jobs.registry import find
from marketplace.jobs.schedule import Ticks


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class _Heartbeat(threading.Thread):
    """Extends a running job's lease every third of it, until stopped."""

    def __init__(
        self, engine: Engine, job: Claimed, worker: str, lease: timedelta, log: logging.Logger
    ) -> None:
        super().__init__(name=f"heartbeat-{job.id}", daemon=True)
        self.engine, self.job, self.worker, self.lease, self.log = engine, job, worker, lease, log
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.05)
        while not self.stopped.wait(interval):
            try:
                if not heartbeat(self.engine, self.job.id, self.worker, self.lease):
                    self.log.warning("job %s #%d: lease taken over", self.job.name, self.job.id)
                    return
            except sa.exc.SQLAlchemyError:
                self.log.warning("job %s #%d: lease not extended", self.job.name, self.job.id)


class Worker:
    def __init__(
        self,
        app: Flask,
        *,
        burst: bool = False,
        poll_seconds: float = 1.0,
        lease: timedelta = timedelta(seconds=60),
        schedule: bool = True,
    ) -> None:
        self.app = app
        self.burst = burst
        self.poll_seconds = poll_seconds
        self.lease = lease
        self.ticks = Ticks() if schedule else None
        self.name = worker_name()
        self.stopping = threading.Event()
        self.log = app.logger.getChild("jobs")
        if self.log.level == logging.NOTSET:
            # One line per job is the worker's output: make sure it is shown.
            self.log.setLevel(logging.INFO)

    def stop(self, _signum: int | None = None, _frame: FrameType | None = None) -> None:
        if not self.stopping.is_set():
            self.log.info("worker %s: stopping after the current job", self.name)
        self.stopping.set()

    def handle_signals(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self) -> int:
        """Loop until stopped (or, in burst mode, until nothing is due); how many jobs ran."""
        self.log.info("worker %s: started%s", self.name, " (burst)" if self.burst else "")
        ran = 0
        while not self.stopping.is_set():
            claimed = self._next()
            if claimed is None:
                if self.burst:
                    break
                self.stopping.wait(self.poll_seconds)
                continue
            self.run_one(claimed)
            ran += 1
        self.log.info("worker %s: stopped after %d job(s)", self.name, ran)
        return ran

    def _next(self) -> Claimed | None:
        with self.app.app_context():
            try:
                if self.ticks is not None:
                    self.ticks.queue_due(utcnow())
                return claim(self.name, self.lease)
            except sa.exc.SQLAlchemyError:
                # The database is away: try again after a pause, like a request would.
                db.session.rollback()
                self.log.exception("worker %s: could not claim a job", self.name)
                if self.burst:
                    raise
                return None

    def run_one(self, job: Claimed) -> None:
        with self.app.app_context():
            g.request_id = job.request_id or uuid.uuid4().hex
            beat = _Heartbeat(db.engine, job, self.name, self.lease, self.log)
            beat.start()
            started = time.monotonic()
            try:
                outcome = self._attempt(job)
            except sa.exc.SQLAlchemyError:
                db.session.rollback()
                self.log.exception("job %s #%d: its outcome was not recorded", job.name, job.id)
                outcome = "not recorded (database error): it runs again when its lease ends"
            finally:
                beat.stopped.set()
                beat.join()
            self.log.info(
                "job %s #%d attempt %d/%d: %s (%.3f s)",
                job.name,
                job.id,
                job.attempt,
                job.max_attempts,
                outcome,
                time.monotonic() - started,
            )

    def _attempt(self, job: Claimed) -> str:
        task = find(job.name)
        try:
            if task is None:
                raise LookupError(f"no task is registered as {job.name!r}")
            task.function(job.payload)
        except Exception as error:
            db.session.rollback()
            text = "".join(traceback.format_exception_only(type(error), error)).strip()
            self.log.debug("job %s #%d failed", job.name, job.id, exc_info=True)
            status = mark_failed(job.id, self.name, text)
            if status is None:
                return f"failed ({text}); its lease had been taken over"
            if status == JobStatus.DEAD:
                return f"dead ({text})"
            return f"failed ({text}), will retry"
        if not mark_done(job.id, self.name):
            return "lease taken over; its writes rolled back"
        return "done"
