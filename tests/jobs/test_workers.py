"""Real worker processes (`flask worker`) on the test database: two racing run each job once,
a worker killed mid-job is replaced once its lease expires and the job's effect stays single,
and two workers queue each scheduled tick once."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import begin_write, db, utcnow
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.queue import enqueue
from marketplace.jobs.schedule import SCHEDULE
from marketplace.mail.models import OutboxEmail
from tests.jobs import tasks  # noqa: F401  (registers the tests' tasks)
from tests.jobs.helpers import WAIT_SECONDS, finish, jobs, start_worker

pytestmark = pytest.mark.committing


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def test_two_workers_racing_run_each_job_once(app: Flask, tmp_path: Path) -> None:
    runs, meeting = tmp_path / "runs.txt", tmp_path / "meeting"
    meeting.mkdir()
    keys = [f"job-{n:02d}" for n in range(40)]
    with app.app_context():
        begin_write()
        for key in keys:
            payload = {"key": key, "file": str(runs), "meeting": str(meeting), "workers": 2}
            enqueue("tests.record-run", payload)
        db.session.commit()
        db.session.remove()

    workers = [start_worker(app, tmp_path / f"instance{n}", "--burst") for n in range(2)]
    outputs = [finish(worker) for worker in workers]

    lines = [line.split() for line in runs.read_text().splitlines()]
    assert sorted(key for key, _pid in lines) == keys
    # Both processes ran jobs (each waited for the other before its first one).
    assert {int(pid) for _key, pid in lines} == {worker.pid for worker in workers}
    assert all(
        (job.status, job.attempts) == (JobStatus.DONE, 1)
        for job in jobs(app, Job.name == "tests.record-run")
    )
    # One log line per job: name, id, attempt, outcome, duration.
    logged = sum(output.count("job tests.record-run #") for output in outputs)
    assert logged == len(keys)
    assert "attempt 1/5: done (" in outputs[0] + outputs[1]


def _queue_held_welcome(app: Flask, tmp_path: Path, to: str) -> tuple[Path, Path]:
    """Queue a welcome mail whose task waits while `hold` exists, and writes `started` once it
    is inside the job."""
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    with app.app_context():
        begin_write()
        enqueue("tests.welcome-once", {"to": to, "hold": str(hold), "started": str(started)})
        db.session.commit()
        db.session.remove()
    return hold, started


def test_a_job_whose_worker_was_killed_runs_again_and_its_effect_happens_once(
    app: Flask, tmp_path: Path
) -> None:
    hold, started = _queue_held_welcome(app, tmp_path, "visitor@example.org")

    lease = {"JOB_LEASE_SECONDS": "2"}
    first = start_worker(app, tmp_path / "one", **lease)
    _wait_for(started.exists, "the first worker to be inside the job")
    # Its effect is committed; the worker is killed before the job is done.
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=WAIT_SECONDS)
    hold.unlink()
    (job,) = jobs(app, Job.name == "tests.welcome-once")
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)
    assert job.locked_by is not None and job.locked_by.split(":")[1] == str(first.pid)

    # Nobody extends the lease any more: once it has passed, another worker takes the job.
    _wait_for(
        lambda: jobs(app, Job.name == "tests.welcome-once")[0].locked_until < utcnow(),  # type: ignore[operator]
        "the dead worker's lease to expire",
    )
    output = finish(start_worker(app, tmp_path / "two", "--burst", **lease))

    (job,) = jobs(app, Job.name == "tests.welcome-once")
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.DONE, 2, None)
    assert "stopped before it finished" in (job.last_error or "")
    assert f"job tests.welcome-once #{job.id} attempt 2/5: done" in output
    with app.app_context():
        welcomes = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == "visitor@example.org")
        ).all()
        assert len(welcomes) == 1
        # And the welcome mail's own job delivered it, once.
        assert welcomes[0].sent_at is not None and welcomes[0].attempts == 1
        db.session.remove()


def test_two_workers_queue_each_scheduled_tick_once(app: Flask, tmp_path: Path) -> None:
    before = utcnow()
    workers = [
        start_worker(app, tmp_path / f"instance{n}", "--burst", JOB_SCHEDULE="on") for n in range(2)
    ]
    for worker in workers:
        finish(worker)
    after = utcnow()

    found = jobs(app, Job.dedupe_key.is_not(None))
    for entry in SCHEDULE:
        queued = [job for job in found if job.name == entry.name]
        # One job per tick the workers lived through (one, or two if a tick began meanwhile).
        ticks = {entry.tick(before), entry.tick(after)}
        assert {job.dedupe_key for job in queued} <= {entry.dedupe_key(t) for t in ticks}
        assert 1 <= len(queued) <= len(ticks), entry.name
        assert all(job.status == JobStatus.DONE for job in queued), entry.name


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_sigterm_lets_the_current_job_finish_then_the_worker_exits(
    app: Flask, tmp_path: Path
) -> None:
    hold, started = _queue_held_welcome(app, tmp_path, "calm@example.org")
    worker = start_worker(app, tmp_path / "one")
    _wait_for(started.exists, "the worker to be inside the job")
    os.kill(worker.pid, signal.SIGTERM)
    hold.unlink()
    output = finish(worker)
    assert "stopping after the current job" in output
    (job,) = jobs(app, Job.name == "tests.welcome-once")
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
