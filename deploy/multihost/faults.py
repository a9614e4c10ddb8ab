"""Point 4 of issue 17: things break under load (a host killed, every host restarted in turn,
Redis restarted, a worker killed mid-job) and the site keeps its promises: no accepted write
lost, errors stop, a rolling restart fails nothing, a job's effect happens once."""

from __future__ import annotations

import signal
import time
from contextlib import suppress
from functools import partial

from deploy.multihost import infra
from deploy.multihost.checks import (
    Rehearsal,
    Result,
    host_of,
    mail_job,
    request_reset,
    timed,
    wait_for_mail,
)
from deploy.multihost.load import Load, describe
from marketplace.cache_backends import RETRY_SECONDS

BACKENDS = ("app", "app_alive")
RUN_LEASE_SECONDS = 3  # JOB_LEASE_SECONDS for the run: a killed worker's job is claimed again soon


def lost_writes(r: Rehearsal, load: Load) -> tuple[int, int]:
    """Accepted drafts missing from the database, and names found more than once."""
    names = list(load.accepted)
    rows = r.sql("SELECT name, count(*) FROM products WHERE name = ANY(%s) GROUP BY name", names)
    found = {name: count for name, count in rows}
    missing = sum(1 for name in names if name not in found)
    doubled = sum(1 for count in found.values() if count > 1)
    return missing, doubled


def wait_status(r: Rehearsal, server: str, wanted: str, seconds: float) -> float:
    return infra.wait_until(
        f"HAProxy sees {server} {wanted}",
        lambda: r.haproxy.status(server).startswith(wanted),
        seconds,
        0.05,
    )


def restart_web(r: Rehearsal, name: str) -> float:
    """Start the host's gunicorn again; seconds until its /readyz answers 200."""
    host = r.hosts[name]
    host.start_web()
    return infra.wait_until(
        f"host {name} ready",
        lambda: r.direct(name, timeout=2).get("/readyz").status == 200,
        60,
        0.1,
    )


@timed
def kill_host(r: Rehearsal) -> Result:
    load = Load(r.haproxy.port, r.token, "kill")
    retried = _retries(r)
    load.start()
    try:
        time.sleep(3)
        # Killed while it holds requests, so that some are cut off halfway.
        with suppress(infra.StackError):
            infra.wait_until("B busy", lambda: _under_way(r, "b") > 0, 3, 0.005)
        under_way = _under_way(r, "b")
        killed = time.monotonic()
        r.hosts["b"].kill_web()
        down_after = wait_status(r, "b", "DOWN", 15)
        sent_at_down = int(r.haproxy.servers()["b"]["stot"])
        time.sleep(6)
        sent_later = int(r.haproxy.servers()["b"]["stot"])
    finally:
        load.stop()
    ended = time.monotonic()
    retries_now = _retries(r)
    retried = (retries_now[0] - retried[0], retries_now[1] - retried[1])
    # Counted by when they ended: a request under way on B when it died is one of them.
    failed = load.failures_ending(killed)
    last = max((s.ended for s in failed), default=killed)
    errors_for = last - killed
    missing, doubled = lost_writes(r, load)
    before = load.between(0, killed)
    after = load.between(killed, ended)
    back = restart_web(r, "b")
    wait_status(r, "b", "UP", 20)
    passed = (
        missing == 0
        and doubled == 0
        and sent_later == sent_at_down
        and not load.failures(killed + 5)
    )
    figures = (
        f"SIGKILL to host B's gunicorn (master and workers) with {under_way} request(s) under "
        f"way on it; HAProxy marked it DOWN after "
        f"{down_after:.2f} s and sent it nothing more ({sent_at_down} → {sent_later} "
        f"requests); {len(failed)} requests failed from the kill on (a write under way on B "
        f"is not sent again: it may have been made), the last N = {errors_for:.2f} s after "
        f"it; HAProxy retried {retried[0]} connections and "
        f"sent {retried[1]} requests to another host; "
        f"before: {describe(before)}; after: {describe(after)}; writes accepted "
        f"{len(load.accepted)}, lost {missing}, doubled {doubled}; B back in {back:.1f} s"
    )
    return Result("4", "one host killed under load", passed, figures)


def _idle(r: Rehearsal, name: str) -> bool:
    """No request under way on the host, in either backend."""
    return all(int(r.haproxy.servers(backend)[name]["scur"] or 0) == 0 for backend in BACKENDS)


def _under_way(r: Rehearsal, name: str) -> int:
    return int(r.haproxy.servers()[name]["scur"] or 0)


def _retries(r: Rehearsal) -> tuple[int, int]:
    """Requests HAProxy's app backend retried, and those it sent to another server."""
    row = r.haproxy.stats("app")["BACKEND"]
    return int(row["wretr"] or 0), int(row["wredis"] or 0)


def _set_state(r: Rehearsal, name: str, state: str, backends: tuple[str, ...] = BACKENDS) -> None:
    for backend in backends:
        r.haproxy.command(f"set server {backend}/{name} state {state}")


@timed
def rolling_restart(r: Rehearsal) -> Result:
    """Each host in turn: drained at HAProxy, its requests in progress finished, stopped
    gracefully (TERM), started again, back in HAProxy once /readyz says so."""
    load = Load(r.haproxy.port, r.token, "rolling")
    load.start()
    try:
        time.sleep(2)
        started = time.monotonic()
        steps = []
        for name, host in r.hosts.items():
            _set_state(r, name, "drain")
            drained = infra.wait_until(f"{name} drained", partial(_idle, r, name), 10, 0.05)
            _set_state(r, name, "maint")
            assert host.web is not None
            stopped = host.web.stop(signal.SIGTERM, seconds=25)
            if host.worker is not None:
                host.worker.stop(signal.SIGTERM, seconds=25)
                host.start_worker()
            ready = restart_web(r, name)
            _set_state(r, name, "ready")
            up = wait_status(r, name, "UP", 20)
            steps.append(
                f"{name.upper()}: drained {drained:.1f} s, stopped {stopped:.1f} s, "
                f"ready {ready:.1f} s, UP {up:.1f} s"
            )
        time.sleep(1)
    finally:
        load.stop()
    samples = load.between(started, time.monotonic())
    missing, doubled = lost_writes(r, load)
    passed = not load.failures() and missing == 0 and doubled == 0
    figures = (
        f"{'; '.join(steps)}; during the restart: {describe(samples)}; whole run: "
        f"{describe(load.samples)}; writes accepted {len(load.accepted)}, lost {missing}, "
        f"doubled {doubled}"
    )
    return Result("4", "rolling restart under load", passed, figures)


def _redis_outage(r: Rehearsal) -> tuple[float, float, dict[str, str], float]:
    """Stop Redis for 3.5 s, start it again (empty); when it stopped and started, HAProxy's view
    of the hosts' /readyz meanwhile, and how long until every host was ready again."""
    stopped = time.monotonic()
    r.redis.stop(signal.SIGTERM, seconds=10)
    time.sleep(1.5)
    ready = {name: r.haproxy.status(name) for name in r.hosts}
    time.sleep(2.0)
    r.redis = infra.start_redis(r.stack)
    restarted = time.monotonic()
    return stopped, restarted, ready, wait_status_all(r, "UP", 20)


@timed
def redis_restart(r: Rehearsal) -> Result:
    """Redis stopped for a few seconds under load, then started again, empty: first with
    HAProxy sending only to ready hosts (as deploy/haproxy.cfg does), then with its fallback to
    the hosts alive."""
    load = Load(r.haproxy.port, r.token, "redis")
    load.start()
    try:
        time.sleep(2)
        for name in r.hosts:  # no fallback: the ready hosts or nobody
            _set_state(r, name, "maint", backends=("app_alive",))
        first = _redis_outage(r)
        for name in r.hosts:
            _set_state(r, name, "ready", backends=("app_alive",))
        wait_status_all(r, "UP", 20, backend="app_alive")
        between = time.monotonic()
        time.sleep(1)
        stopped, restarted, ready, back = _redis_outage(r)
        # Each host leaves a Redis that failed alone for a few seconds (the cache's
        # RETRY_SECONDS), then keeps pages there again.
        cache_back: float | None = None
        with suppress(infra.StackError):
            cache_back = infra.wait_until(
                "pages kept in Redis again",
                partial(_cached_pages, r),
                RETRY_SECONDS + 10,
                0.2,
            )
        time.sleep(1)
    finally:
        load.stop()
    without = load.between(first[0], between)
    during = load.between(stopped, restarted)
    after = load.between(restarted, time.monotonic())
    limits = r.redis_keys("LIMITS*")
    kept = r.redis_keys("marketplace:*")
    missing, doubled = lost_writes(r, load)
    queue = "not run (this code has no background jobs)"
    queue_ok = True
    if r.mailbox is not None:
        since = time.monotonic()
        asked = request_reset(r.balanced(), "officer@demo.example")
        mailed = wait_for_mail(r, "officer@demo.example", since, 20)
        queue_ok = asked == 302 and mailed is not None
        queue = f"an e-mail queued after the restart ({asked}) delivered after " + (
            "never" if mailed is None else f"{mailed:.1f} s"
        )
    passed = (
        not load.failures(first[0])
        and len(during) > 0
        and missing == 0
        and doubled == 0
        and kept > 0
        and queue_ok
    )
    figures = (
        f"Redis down {restarted - stopped:.1f} s; HAProxy's /readyz checks meanwhile: "
        f"{', '.join(f'{k.upper()} {v}' for k, v in ready.items())}; served by the hosts alive "
        f"(/healthz) while down: {describe(during)}; after: {describe(after)}; hosts ready "
        f"again {back:.1f} s after the restart; pages kept in Redis again after "
        f"{'never' if cache_back is None else f'{cache_back:.1f} s'}: it holds {kept} cached "
        f"entries and "
        f"{limits} limit counters; {queue}; writes accepted {len(load.accepted)}, lost "
        f"{missing}, doubled {doubled}. The same outage with HAProxy sending to ready hosts only "
        f"(as deploy/haproxy.cfg): {describe(without)}"
    )
    return Result("4", "Redis restarted under load", passed, figures)


def _cached_pages(r: Rehearsal) -> bool:
    return r.redis_keys("marketplace:*") > 0


def wait_status_all(r: Rehearsal, wanted: str, seconds: float, backend: str = "app") -> float:
    return infra.wait_until(
        f"every host {wanted} in {backend}",
        lambda: all(s["status"].startswith(wanted) for s in r.haproxy.servers(backend).values()),
        seconds,
        0.05,
    )


@timed
def worker_kill(r: Rehearsal) -> Result:
    """The mail server holds a reset message unanswered; the worker sending it is killed
    (SIGKILL) mid-job. Its lease expires, another worker runs the job again, and the message
    is delivered once."""
    assert r.mailbox is not None
    recipient = "batik@demo.example"
    r.mailbox.hold_for = recipient
    since = time.monotonic()
    asked = request_reset(r.direct("b"), recipient)
    infra.wait_until("a worker sending the held message", r.mailbox.holding.is_set, 20, 0.05)
    victim = next(n for n, a in infra.HOSTS.items() if a == r.mailbox.held_from)
    worker = r.hosts[victim].worker
    assert worker is not None
    worker.signal_group(signal.SIGKILL)
    worker.popen.wait(10)
    delivered = wait_for_mail(r, recipient, since, 30)
    time.sleep(3)
    copies = r.mailbox.to(recipient, since)
    status, attempts, sent = mail_job(r, recipient)
    r.hosts[victim].start_worker()
    senders = sorted({host_of(d.client) for d in copies})
    passed = (
        asked == 302
        and len(copies) == 1
        and status == "done"
        and attempts == 2
        and sent == "marked sent"
    )
    after = "never" if delivered is None else f"{delivered:.1f} s"
    figures = (
        f"reset asked through B ({asked}); the worker on {victim.upper()} killed while sending; "
        f"delivered {len(copies)} time(s), {after} after the kill (lease "
        f"{RUN_LEASE_SECONDS} s), by {', '.join(senders) or 'none'}; its job: {status} after "
        f"{attempts} attempts; the message {sent}"
    )
    return Result("4", "worker killed mid-job", passed, figures)
