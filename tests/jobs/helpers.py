"""Worker processes for the tests: `flask worker` on the test database, as a deployment runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


def start_worker(app: Flask, instance: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    """`flask --app tests.jobs.worker_app worker ARGS` on the app's database."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_ENV": "test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": str(instance),
        "MEDIA_ROOT": str(instance / "media"),
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
        "JOB_POLL_SECONDS": "0.1",
        "JOB_SCHEDULE": "off",
        **env,
    }
    command = [sys.executable, "-m", "flask", "--app", "tests.jobs.worker_app", "worker", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def finish(process: subprocess.Popen[bytes]) -> str:
    """Wait for a worker to exit by itself; its output (it must have exited cleanly)."""
    output, _ = process.communicate(timeout=WAIT_SECONDS)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text
    return text


def jobs(app: Flask, *conditions: Any) -> list[Job]:
    """The jobs as committed now, read on a fresh session and detached."""
    with app.app_context():
        db.session.remove()
        found = list(db.session.scalars(sa.select(Job).where(*conditions).order_by(Job.id)))
        for job in found:
            db.session.expunge(job)
        db.session.remove()
        return found
