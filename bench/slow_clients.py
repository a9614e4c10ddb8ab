"""Slow clients against gunicorn alone and behind nginx.

    python -m bench.slow_clients                 # needs nginx and openssl
    python -m bench.slow_clients --seconds 30 --connections 60

Needs Debian's nginx (`apt-get install -y nginx`; the service need not run: the benchmark starts
its own nginx with a temporary prefix, pid file and logs) and the `openssl` command, for a
throwaway certificate.

The attack: 40 connections send the headers of a POST to the log-in form announcing a 10 MB
body, then send that body one byte a second. gunicorn's threads read a request's body
themselves, and a thread waiting for a body serves nobody else: with `make run`'s
`--workers 2 --threads 4` the 40 connections hold all 8 threads, and a normal visitor's
`GET /healthz` waits until it gives up. nginx reads bodies on its event loop and passes a
request on only when it is complete, so behind it gunicorn never sees the slow clients.

Both cases are measured against the same gunicorn, started as `make run` starts it (on a fresh
SQLite instance, migrated and seeded): first directly, then through nginx running the shipped
`deploy/nginx.conf` (only its addresses and certificate changed, see `render_site`). In each,
/healthz is timed for a few seconds before the attack, then twice a second during it, with a
5-second timeout. With nginx, three checks of the configuration follow: plain HTTP redirects to
HTTPS, a body over 90 MB is refused by nginx, a 20 MB body reaches the app. Exits 1 if any
probe through nginx failed or a check did not hold; the failures of gunicorn alone are the
problem being shown and do not change the exit status.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bench.live import (
    ROOT,
    BenchError,
    Browser,
    Instance,
    free_port,
    gunicorn,
    instance,
    machine,
    percentile,
    stop,
    wait_for,
)

WORKERS, THREADS = 2, 4  # make run
SITE = ROOT / "deploy" / "nginx.conf"
TARGET = "/auth/login"  # any form: its CSRF check reads the body
ANNOUNCED_BODY = 10 * 1024 * 1024
PROBE_TIMEOUT = 5.0
PROBE_PERIOD = 0.5
BASELINE_SECONDS = 3.0


# ---------------------------------------------------------------------------------------------
# The slow clients and the normal one


class Dribblers:
    """`count` connections that each announce a large body and send it a byte at a time.

    A connection the server closes is opened again, as an attacker would; `dropped` counts them.
    """

    def __init__(self, port: int, count: int, tls: ssl.SSLContext | None, interval: float) -> None:
        self.port, self.count, self.tls, self.interval = port, count, tls, interval
        self.sockets: list[socket.socket] = []
        self.dropped = 0
        self.bytes_sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        conn = raw if self.tls is None else self.tls.wrap_socket(raw, server_hostname="127.0.0.1")
        conn.sendall(
            (
                f"POST {TARGET} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {ANNOUNCED_BODY}\r\n\r\n"
            ).encode()
        )
        return conn

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for index, conn in enumerate(self.sockets):
                try:
                    conn.sendall(b"a")
                    self.bytes_sent += 1
                except OSError:
                    self.dropped += 1
                    with suppress(OSError):
                        conn.close()
                    with suppress(OSError):
                        self.sockets[index] = self._open()

    def __enter__(self) -> Dribblers:
        for _ in range(self.count):
            self.sockets.append(self._open())
            # Spread over a second, as clients arrive: opened all at once, they would all be
            # accepted by whichever gunicorn worker woke first, and the others stay free.
            time.sleep(1 / self.count)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.sockets:
            with suppress(OSError):
                conn.close()


@dataclass
class Probes:
    """/healthz as a normal visitor sees it: latencies of answers, and what went wrong."""

    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies_ms) + sum(self.failures.values())

    def line(self) -> str:
        ok = self.latencies_ms
        failed = ", ".join(f"{n} x {kind}" for kind, n in sorted(self.failures.items()))
        times = (
            f"p50 {percentile(ok, 0.5):.0f} ms, p95 {percentile(ok, 0.95):.0f} ms, "
            f"max {max(ok):.0f} ms"
            if ok
            else "no answer to time"
        )
        return (
            f"{self.count:3} probes, {len(ok):3} answered 200, failed: {failed or 'none'}; {times}"
        )


def probe(browser: Browser, seconds: float) -> Probes:
    """GET /healthz every PROBE_PERIOD (or right after a slow answer) for `seconds`."""
    result = Probes()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            reply = browser.get("/healthz")
            if reply.status == 200:
                result.latencies_ms.append(reply.seconds * 1000)
            else:
                result.failures[f"status {reply.status}"] = (
                    result.failures.get(f"status {reply.status}", 0) + 1
                )
        except TimeoutError:
            result.failures["timeout"] = result.failures.get("timeout", 0) + 1
        except (OSError, http.client.HTTPException) as error:
            kind = type(error).__name__
            result.failures[kind] = result.failures.get(kind, 0) + 1
        time.sleep(max(0.0, PROBE_PERIOD - (time.monotonic() - started)))
    return result


def recovery(browser: Browser, limit: float = 60.0) -> float:
    """Seconds until /healthz answers again."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        with suppress(OSError, http.client.HTTPException):
            if browser.get("/healthz").status == 200:
                break
        time.sleep(0.2)
    return time.monotonic() - started


@dataclass
class Case:
    name: str
    before: Probes
    during: Probes
    dropped: int
    after_s: float


def attack(name: str, browser: Browser, port: int, args: argparse.Namespace) -> Case:
    print(f"{name}: {BASELINE_SECONDS:.0f} s of probes, then {args.connections} slow clients ...")
    before = probe(browser, BASELINE_SECONDS)
    with Dribblers(port, args.connections, browser.tls, args.interval) as slow:
        time.sleep(1)  # every slow client has sent its headers and a first byte
        during = probe(browser, args.seconds)
        dropped = slow.dropped
    return Case(name, before, during, dropped, recovery(browser))


# ---------------------------------------------------------------------------------------------
# nginx


def render_site(text: str, app_port: int, http_port: int, https_port: int, tls: Path) -> str:
    """deploy/nginx.conf with local addresses and a throwaway certificate; nothing else changes.

    Each rule must match as often as stated, so a change to the shipped file that this
    benchmark would silently stop testing fails here instead.
    """
    rules = [
        (r"^\s*listen \[::\]:.*\n", "", 2),
        (r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};", 1),
        (r"^(\s*)listen 443 ssl", rf"\1listen 127.0.0.1:{https_port} ssl", 1),
        (r"^(\s*)server 127\.0\.0\.1:8000;", rf"\1server 127.0.0.1:{app_port};", 1),
        (r"^(\s*)ssl_certificate /\S+;", rf"\1ssl_certificate {tls / 'cert.pem'};", 1),
        (r"^(\s*)ssl_certificate_key /\S+;", rf"\1ssl_certificate_key {tls / 'key.pem'};", 1),
    ]
    for pattern, replacement, expected in rules:
        text, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if found != expected:
            raise BenchError(f"{SITE}: expected {expected} x {pattern!r}, found {found}.")
    return text


def certificate(folder: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, and a client context that trusts only it."""
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(cafile=str(folder / "cert.pem"))
    return context


@contextmanager
def nginx(
    live: Instance, app_port: int, http_port: int, https_port: int
) -> Iterator[ssl.SSLContext]:
    """nginx with the shipped site, its prefix, pid file, logs and temporary files in one folder."""
    folder = live.path / "nginx"
    folder.mkdir()
    # Workers run as www-data when nginx is started by root: they must reach their temp folders.
    os.chmod(live.path, 0o755)
    tls = certificate(folder)
    site = folder / "site.conf"
    site.write_text(render_site(SITE.read_text(), app_port, http_port, https_port, folder))
    user = "user www-data;" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""
    )
    command = [_nginx_binary(), "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise BenchError(f"nginx -t refused the configuration:\n{checked.stderr}")
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(Browser(https_port, timeout=2, tls=tls), "/healthz", 30, process)
        yield tls
    finally:
        stop(process, folder / "nginx.pid", signal.SIGTERM)


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        raise BenchError("nginx is not installed: apt-get install -y nginx")
    return found


def _announce_only(port: int, tls: ssl.SSLContext, length: int) -> tuple[int, str]:
    """Send only the headers of a POST announcing `length` bytes; the status and body sent back."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with tls.wrap_socket(raw, server_hostname="127.0.0.1") as conn:
            conn.sendall(
                (
                    f"POST {TARGET} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
                ).encode()
            )
            response = http.client.HTTPResponse(conn)
            response.begin()
            return response.status, response.read().decode("utf-8", "replace")


def config_checks(http_port: int, https_port: int, tls: ssl.SSLContext) -> list[tuple[str, bool]]:
    """What the shipped configuration promises besides buffering."""
    redirect = Browser(http_port).get("/healthz")
    too_large, page = _announce_only(https_port, tls, 95 * 1024 * 1024)
    big = Browser(https_port, tls=tls, timeout=60).request(
        "POST", TARGET, b"a" * (20 * 1024 * 1024), {"Content-Type": "application/octet-stream"}
    )
    return [
        (
            f"plain HTTP -> {redirect.status} {redirect.location}",
            redirect.status == 301 and redirect.location.startswith("https://"),
        ),
        (
            f"95 MB announced -> {too_large} from {'nginx' if 'nginx' in page else 'the app'}",
            too_large == 413 and "nginx" in page,
        ),
        (
            f"20 MB sent -> {big.status} from {'nginx' if 'nginx' in big.text else 'the app'} "
            f"in {big.seconds:.2f} s",
            big.status == 400 and "nginx" not in big.text,
        ),
    ]


# ---------------------------------------------------------------------------------------------


def report(case: Case) -> None:
    print(f"\n{case.name}")
    print(f"  before the attack: {case.before.line()}")
    print(f"  during the attack: {case.during.line()}")
    print(
        f"  slow connections dropped by the server and opened again: {case.dropped}; "
        f"/healthz answered {case.after_s:.1f} s after the slow clients left"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=40, help="slow clients")
    parser.add_argument("--seconds", type=float, default=20.0, help="probing during the attack")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between two bytes")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args(argv)
    print(f"{machine()}; gunicorn --workers {WORKERS} --threads {THREADS} (make run)")
    try:
        _nginx_binary()
        app_port, http_port, https_port = free_port(), free_port(), free_port()
        # TRUSTED_PROXIES=1: the client address comes from nginx's X-Forwarded-For, as in
        # production; nothing here depends on it.
        with (
            instance(app_port, extra_env={"TRUSTED_PROXIES": "1"}, keep=args.keep) as live,
            gunicorn(live, app_port, WORKERS, THREADS),
        ):
            alone = attack(
                "gunicorn alone", Browser(app_port, timeout=PROBE_TIMEOUT), app_port, args
            )
            report(alone)
            with nginx(live, app_port, http_port, https_port) as tls:
                front = Browser(https_port, timeout=PROBE_TIMEOUT, tls=tls)
                behind = attack("nginx in front (deploy/nginx.conf)", front, https_port, args)
                report(behind)
                checks = config_checks(http_port, https_port, tls)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\nconfiguration checks through nginx")
    for text, held in checks:
        print(f"  {'ok  ' if held else 'FAIL'} {text}")
    failed = sum(behind.during.failures.values()) + sum(not held for _, held in checks)
    shown = "shown" if alone.during.failures else "NOT shown (gunicorn alone kept answering)"
    print(f"\nresult: the problem is {shown}; {failed} failures with nginx in front; {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
