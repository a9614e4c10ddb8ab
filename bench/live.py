"""The application served as it is deployed, for the benchmarks that measure it from outside.

A throwaway instance folder (and, for PostgreSQL, a throwaway database), migrated and filled by
the real commands (`flask db upgrade`, `flask seed-demo`), served by gunicorn in a child process,
and `Browser`: a small HTTP client with its own cookies that reads CSRF tokens from the
pages, as a person's browser would. Used by `bench.slow_writes` and `bench.slow_clients`.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/, where gunicorn and flask live
DEMO_PASSWORD = "bandung-demo-2026"  # README, "Demo logins"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class BenchError(RuntimeError):
    """The benchmark could not set itself up; the message says what to do."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` 0.5 is the median); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def machine() -> str:
    """The figures that say how busy the machine was: cores and load average."""
    one, five, fifteen = os.getloadavg()
    return f"nproc {os.cpu_count()}, load average {one:.2f} {five:.2f} {fifteen:.2f}"


# ---------------------------------------------------------------------------------------------
# Instance, database, commands


@dataclass
class Instance:
    """A temporary instance folder and the environment every command and server runs with."""

    path: Path
    env: dict[str, str]
    database_url: str
    app_dir: Path = ROOT

    def flask(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=self.app_dir,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.database_url, poolclass=sa.pool.NullPool)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server of `server_url` (whose own database is only connected to),
    dropped afterwards: every run starts from the same demo data."""
    url = sa.make_url(server_url)
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def instance(
    port: int,
    database_url: str | None = None,
    app_dir: Path = ROOT,
    extra_env: Mapping[str, str] | None = None,
    keep: bool = False,
) -> Iterator[Instance]:
    """A migrated database with the demo content; SQLite in the folder unless `database_url`."""
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    url = database_url or f"sqlite:///{folder / 'marketplace.db'}"
    env = {
        **os.environ,
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        **(extra_env or {}),
    }
    env.pop("FLASK_APP", None)
    live = Instance(folder, env, url, app_dir)
    try:
        live.flask("db", "upgrade")
        live.flask("seed-demo")
        yield live
    finally:
        if keep:
            print(f"(kept {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Servers


def wait_for(
    browser: Browser, path: str, deadline_s: float, process: subprocess.Popen[bytes]
) -> None:
    """Until `path` answers 200, or fail when the server's process ends or time is up."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"The server stopped at start (exit {process.returncode}).")
        with suppress(OSError, http.client.HTTPException):
            if browser.get(path).status == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"No answer from port {browser.port} ({path}) after {deadline_s:.0f} s.")


def stop(process: subprocess.Popen[bytes], pid_file: Path, sig: signal.Signals) -> None:
    """Send `sig` to the server's master (its pid file names it) and wait for it to end."""
    pid = process.pid
    with suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.kill(pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def gunicorn(live: Instance, port: int, workers: int, threads: int) -> Iterator[Path]:
    """gunicorn as `make run` starts it (with the worker and thread counts given, and its pid
    file, logs and control socket in the instance folder); yields the path of its error log."""
    pid_file = live.path / "gunicorn.pid"
    log = live.path / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"),
        *("--workers", str(workers), "--threads", str(threads)),
        *("--bind", f"127.0.0.1:{port}", "--pid", str(pid_file)),
        *("--access-logfile", str(live.path / "access.log"), "--error-logfile", str(log)),
        # Not gunicorn's default ~/.gunicorn/gunicorn.ctl, which other servers here may use.
        *("--control-socket", str(live.path / "gunicorn.ctl")),
        "wsgi:app",
    ]
    process = subprocess.Popen(
        command,
        cwd=live.app_dir,
        env=live.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(Browser(port, timeout=2), "/healthz", 60, process)
        yield log
    finally:
        # TERM: finish the requests in progress, then stop (gunicorn's graceful shutdown).
        stop(process, pid_file, signal.SIGTERM)


# ---------------------------------------------------------------------------------------------
# A browser


@dataclass
class Reply:
    status: int
    location: str
    text: str
    seconds: float


@dataclass
class Browser:
    """One visitor: its own cookies; a new connection for every request."""

    port: int
    host: str = "127.0.0.1"
    timeout: float = 30.0
    tls: ssl.SSLContext | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Browser:
        """Another tab of the same visitor: its cookie changes (flashed messages) stay its own."""
        return Browser(self.port, self.host, self.timeout, self.tls, dict(self.cookies))

    def connect(self, timeout: float | None = None) -> http.client.HTTPConnection:
        wait = self.timeout if timeout is None else timeout
        if self.tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=wait, context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=wait)

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[http.client.HTTPConnection, float]:
        """Send a whole request; `receive` reads the answer (a caller may wait in between)."""
        connection = self.connect(timeout)
        all_headers = {"Connection": "close", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=all_headers)
        return connection, started

    def receive(self, connection: http.client.HTTPConnection, started: float) -> Reply:
        try:
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            seconds = time.perf_counter() - started
            for header in response.msg.get_all("Set-Cookie") or []:
                self._keep(header)
            return Reply(response.status, response.getheader("Location") or "", text, seconds)
        finally:
            connection.close()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        connection, started = self.send(method, path, body, headers)
        return self.receive(connection, started)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, fields: Mapping[str, str]) -> Reply:
        body = urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def log_in(self, email: str, password: str = DEMO_PASSWORD) -> Reply:
        """The real log-in form: its page first (session cookie and CSRF token), then the post."""
        token = csrf_token(self.get("/auth/login"))
        return self.post("/auth/login", {"csrf_token": token, "email": email, "password": password})

    def _keep(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def csrf_token(reply: Reply) -> str:
    match = _CSRF.search(reply.text)
    if match is None:
        raise BenchError(f"No CSRF token in the page (status {reply.status}).")
    return match.group(1)


def multipart(
    fields: Mapping[str, str], files: list[tuple[str, str, str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type; files are (field, name, type, bytes)."""
    boundary = f"bench{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for field_name, filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
