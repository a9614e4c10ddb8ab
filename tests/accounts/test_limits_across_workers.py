"""Rate limits hold across worker processes with the default settings (no Redis).

The server is the real thing: gunicorn with four workers on the test database, spoken to over
HTTP with a fresh connection per attempt, so the attempts land on different workers.
"""

from __future__ import annotations

import http.cookiejar
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.ratelimit_storage import SQLiteStorage
from tests.factories import make_user

# Real commits: workers in other processes share the counters.
pytestmark = pytest.mark.committing

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def gunicorn(app: Flask, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "workers-test-secret",
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("RATELIMIT_STORAGE_URI", None)  # the default storage is what is tested
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(gunicorn_bin),
                "--workers",
                "4",
                "--no-control-socket",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                break
            except OSError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text()) from error
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _failed_login(url: str, email: str) -> int:
    """One browser's attempt: its own cookies and connection, the login page, then the post."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(url + "/auth/login", timeout=10).read().decode()
    match = CSRF.search(page)
    assert match
    body = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": "not the password"}
    ).encode()
    try:
        with opener.open(url + "/auth/login", data=body, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_five_failed_logins_mean_five_across_four_workers(app: Flask, gunicorn: str) -> None:
    with app.app_context():
        email = make_user(Role.BUYER).email
        db.session.commit()
    codes = [_failed_login(gunicorn, email) for _ in range(12)]
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429] * 7


def _hit(uri: str, times: int) -> None:
    storage = SQLiteStorage(uri)
    for _ in range(times):
        storage.incr("shared-key", 60)


def test_sqlite_storage_loses_no_hit_between_processes(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hit, args=(uri, 50)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    storage = SQLiteStorage(uri)
    assert storage.get("shared-key") == 200
    assert storage.get_expiry("shared-key") > time.time()
    storage.clear("shared-key")
    assert storage.get("shared-key") == 0


def test_sqlite_storage_restarts_an_expired_window(tmp_path: Path) -> None:
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite'}")
    assert storage.incr("k", 1) == 1
    assert storage.incr("k", 1) == 2
    time.sleep(1.1)
    assert storage.get("k") == 0
    assert storage.incr("k", 1) == 1
    assert storage.reset() == 1 and storage.check()
