"""The pieces of the rehearsal: a bridge and three network namespaces, the shared services on the
bridge's address (PostgreSQL, Redis, SeaweedFS's S3 gateway), the app hosts and HAProxy.

Every process is started in a process group of its own and registered with `Stack`, which stops
them all, removes the namespaces and the bridge and deletes its folder, whatever happened.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/: gunicorn, flask, weed
PGBIN = Path("/usr/lib/postgresql/15/bin")

BRIDGE = "mhbr0"
SUBNET = "10.77.0"  # a private range that exists only on this machine
GATEWAY = f"{SUBNET}.1"  # the bridge's address in the root namespace: the services bind to it
HOSTS = {"a": f"{SUBNET}.11", "b": f"{SUBNET}.12", "c": f"{SUBNET}.13"}
APP_PORT = 8000
PG_PORT = 55477
REDIS_PORT = 56477
SMTP_PORT = 25877
WEED_PORTS = {"master": 21333, "volume": 21080, "filer": 21888, "s3": 21433}  # gRPC: +10000
BUCKET = "marketplace-media"
REGION = "us-east-1"


class StackError(RuntimeError):
    """A piece did not start; the message says which and where its log is."""


def run(
    *args: str, check: bool = True, input: str | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, text=True, capture_output=True, input=input, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise StackError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(what: str, test: Callable[[], bool], seconds: float, step: float = 0.1) -> float:
    """Seconds it took `test()` to hold; StackError after `seconds`."""
    start = time.monotonic()
    while True:
        try:
            if test():
                return time.monotonic() - start
        except OSError:
            pass
        if time.monotonic() - start > seconds:
            raise StackError(f"{what}: not ready after {seconds:.0f} s")
        time.sleep(step)


def port_open(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((address, port)) == 0


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    # How it is asked to stop at the end (PostgreSQL: SIGINT, its fast shutdown).
    stop_signal: signal.Signals = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, sig: signal.Signals = signal.SIGTERM, seconds: float = 20) -> float:
        """Signal the group, wait for the leader; KILL the group if it does not go in time."""
        start = time.monotonic()
        self.signal_group(sig)
        try:
            self.popen.wait(seconds)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.popen.wait(5)
        self.signal_group(signal.SIGKILL)  # what the leader left behind (workers)
        return time.monotonic() - start

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Stack:
    """Everything started, to be torn down in reverse order."""

    folder: Path
    processes: list[Process] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    bridge: bool = False
    on_teardown: list[Callable[[], None]] = field(default_factory=list)

    def start(
        self,
        name: str,
        args: list[str],
        env: dict[str, str] | None = None,
        namespace: str | None = None,
        user: str | None = None,
        cwd: Path = ROOT,
    ) -> Process:
        log = self.folder / "logs" / f"{name}.log"
        log.parent.mkdir(exist_ok=True)
        prefix: list[str] = []
        if namespace is not None:
            prefix += ["ip", "netns", "exec", namespace]
        if user is not None:
            prefix += ["runuser", "-u", user, "--"]
        with log.open("ab") as out:
            popen = subprocess.Popen(
                prefix + args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def teardown(self) -> None:
        for action in self.on_teardown:
            action()
        for process in self.processes:  # all at once: no one waits for another
            process.signal_group(process.stop_signal)
        deadline = time.monotonic() + 10
        for process in self.processes:
            with suppress(subprocess.TimeoutExpired):
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            process.signal_group(signal.SIGKILL)
        for namespace in self.namespaces:
            run("ip", "netns", "del", namespace, check=False)
        if self.bridge:
            run("ip", "link", "del", BRIDGE, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def clear_leftovers() -> None:
    """A run killed before its teardown leaves its namespaces and bridge behind."""
    for name in HOSTS:
        run("ip", "netns", "del", f"mh-{name}", check=False)
    run("ip", "link", "del", BRIDGE, check=False)


def build_network(stack: Stack) -> None:
    """A bridge holding GATEWAY, and a namespace per host joined to it by a veth pair."""
    run("ip", "link", "add", BRIDGE, "type", "bridge")
    stack.bridge = True
    run("ip", "addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    run("ip", "link", "set", BRIDGE, "up")
    for name, address in HOSTS.items():
        namespace, outside = f"mh-{name}", f"mh-{name}-br"
        run("ip", "netns", "add", namespace)
        stack.namespaces.append(namespace)
        run(
            "ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace
        )
        run("ip", "link", "set", outside, "master", BRIDGE)
        run("ip", "link", "set", outside, "up")
        inside = ["ip", "netns", "exec", namespace, "ip"]
        run(*inside, "addr", "add", f"{address}/24", "dev", "eth0")
        run(*inside, "link", "set", "eth0", "up")
        run(*inside, "link", "set", "lo", "up")


# ---------------------------------------------------------------------------------------------
# Shared services


def start_postgres(stack: Stack) -> str:
    """A throwaway cluster (initdb as postgres, as .ci/run does) on the bridge's address."""
    data = stack.folder / "pgdata"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    initdb = f"-D {data} -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync"
    run("runuser", "-u", "postgres", "--", str(PGBIN / "initdb"), *initdb.split())
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {SUBNET}.0/24 trust\n")
    options = (
        f"-c listen_addresses={GATEWAY} -p {PG_PORT} -k {data} -c fsync=off "
        "-c synchronous_commit=on -c max_connections=300"
    )
    server = stack.start(
        "postgres",
        [str(PGBIN / "postgres"), "-D", str(data), *options.split()],
        user="postgres",
    )
    server.stop_signal = signal.SIGINT
    wait_until("PostgreSQL", lambda: port_open(GATEWAY, PG_PORT), 30)
    ready = [str(PGBIN / "pg_isready"), "-h", GATEWAY, "-p", str(PG_PORT)]
    wait_until(
        "PostgreSQL accepts connections", lambda: not run(*ready, check=False).returncode, 30
    )
    run(str(PGBIN / "createdb"), "-h", GATEWAY, "-p", str(PG_PORT), "-U", "postgres", "app")
    return f"postgresql+psycopg://postgres@{GATEWAY}:{PG_PORT}/app"


def start_redis(stack: Stack) -> Process:
    """No persistence: a restart starts empty, as a cache and counters may."""
    process = stack.start(
        "redis",
        [
            "redis-server",
            *f"--bind {GATEWAY} --port {REDIS_PORT} --appendonly no".split(),
            *"--protected-mode no --daemonize no --save".split(),
            "",
        ],
    )
    wait_until("Redis", lambda: port_open(GATEWAY, REDIS_PORT), 10, 0.02)
    return process


@dataclass(frozen=True)
class S3:
    endpoint: str
    access_key: str
    secret_key: str


def start_seaweedfs(stack: Stack) -> tuple[Process, S3]:
    """master, volume, filer and the S3 gateway in one process; S3 answers only to its identity."""
    folder = stack.folder / "weed"
    folder.mkdir()
    s3 = S3(
        f"http://{GATEWAY}:{WEED_PORTS['s3']}",
        "mh" + secrets.token_hex(8),
        secrets.token_urlsafe(24),
    )
    identity = {
        "identities": [
            {
                "name": "marketplace",
                "credentials": [{"accessKey": s3.access_key, "secretKey": s3.secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    config = folder / "s3.json"
    config.write_text(json.dumps(identity))
    p = WEED_PORTS
    process = stack.start(
        "seaweedfs",
        [
            str(BIN / "weed"),
            "server",
            *f"-dir={folder} -ip={GATEWAY} -ip.bind={GATEWAY}".split(),
            *f"-master.port={p['master']} -master.volumeSizeLimitMB=64".split(),
            *f"-volume.port={p['volume']} -volume.max=8".split(),
            *f"-filer -filer.port={p['filer']}".split(),
            *f"-s3 -s3.port={p['s3']} -s3.config={config}".split(),
            *"-s3.port.iceberg=0 -s3.port.lance=0".split(),
        ],
        cwd=folder,
    )
    return process, s3


def create_bucket(process: Process) -> float:
    """Wait for the S3 gateway, then make the bucket with `weed shell` (no S3 client needed)."""
    master = f"{GATEWAY}:{WEED_PORTS['master']}"

    def made() -> bool:
        if not process.alive():
            raise StackError(f"SeaweedFS stopped; its log: {process.log}\n{process.tail()}")
        if not port_open(GATEWAY, WEED_PORTS["s3"]):
            return False
        commands = f"s3.bucket.create -name {BUCKET}\ns3.bucket.list\n"
        shell = run(
            str(BIN / "weed"), "shell", f"-master={master}", input=commands, check=False, timeout=20
        )
        return re.search(rf"(?m)^\s+{re.escape(BUCKET)}\s", shell.stdout) is not None

    return wait_until("SeaweedFS S3 gateway and bucket", made, 90, 1.0)


# ---------------------------------------------------------------------------------------------
# App hosts


def app_env(
    stack: Stack, database_url: str, s3: S3, base_url: str, extra: dict[str, str]
) -> dict[str, str]:
    redis_url = f"redis://{GATEWAY}:{REDIS_PORT}/0"
    env = {
        "PATH": f"{BIN}:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(stack.folder),
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BASE_URL": base_url,
        "TRUSTED_HOSTS": ",".join(HOSTS.values()),
        "TRUSTED_PROXIES": "1",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PAGE_CACHE_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3.endpoint,
        "MEDIA_S3_ACCESS_KEY_ID": s3.access_key,
        "MEDIA_S3_SECRET_ACCESS_KEY": s3.secret_key,
        "MEDIA_S3_REGION": REGION,
        "LOG_FORMAT": "json",
    }
    env.update(extra)
    return env


@dataclass
class Host:
    """One app host: a namespace, its gunicorn and its background worker."""

    name: str
    stack: Stack
    env: dict[str, str]
    web: Process | None = None
    worker: Process | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        return HOSTS[self.name]

    @property
    def namespace(self) -> str:
        return f"mh-{self.name}"

    def folder(self) -> Path:
        path = self.stack.folder / f"host-{self.name}"
        path.mkdir(exist_ok=True)
        return path

    def host_env(self) -> dict[str, str]:
        # Each host its own instance folder and media root: nothing is shared through a disk.
        return {
            **self.env,
            "INSTANCE_PATH": str(self.folder() / "instance"),
            "MEDIA_ROOT": str(self.folder() / "media"),
        }

    def start_web(self) -> Process:
        self.starts += 1
        # The workers' metrics, in a folder emptied before gunicorn starts (README, "Logs and
        # metrics").
        metrics = self.folder() / "prometheus"
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir()
        self.web = self.stack.start(
            f"host-{self.name}-web-{self.starts}",
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "wsgi:app",
            ],
            env={
                **self.host_env(),
                # deploy/gunicorn.conf.py, as an app host's unit runs it, on this host's address
                # (no nginx of its own here: HAProxy is the one proxy, TRUSTED_PROXIES=1).
                "GUNICORN_BIND": f"{self.address}:{APP_PORT}",
                "WEB_CONCURRENCY": "2",
                "GUNICORN_THREADS": "4",
                "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            },
            namespace=self.namespace,
        )
        return self.web

    def start_worker(self) -> Process:
        self.worker = self.stack.start(
            f"host-{self.name}-worker-{self.starts}",
            [str(BIN / "flask"), "--app", "wsgi", "worker"],
            env=self.host_env(),
            namespace=self.namespace,
        )
        return self.worker

    def kill_web(self) -> None:
        """SIGKILL to gunicorn's master and its workers (one process group) at once."""
        assert self.web is not None
        self.web.signal_group(signal.SIGKILL)
        self.web.popen.wait(10)


def flask(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise StackError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------------------------------------
# HAProxy


HAPROXY_CONFIG = """\
# deploy/haproxy.cfg for the rehearsal: plain HTTP on 127.0.0.1, hosts checked every 500 ms, a
# request that could not reach a host sent to another, and the hosts alive serving when none is
# ready.
global
    maxconn 4096
    stats socket {socket} mode 600 level admin

defaults
    mode http
    option httplog
    option http-server-close
    timeout http-request 15s
    option http-buffer-request
    timeout connect 1s
    timeout client 30s
    timeout server 130s
    timeout queue 30s
    timeout check 2s
    # A request that could not reach a host (refused, reset, closed without an answer) is sent
    # again, to another host (redispatch on every retry). The request is buffered whole first
    # (up to 16 KB), which is what lets it be sent again.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response response-timeout
    option forwardfor

frontend web
    bind 127.0.0.1:{port}
    unique-id-format %[uuid()]
    http-request set-header X-Request-ID %[unique-id]
    http-request disable-l7-retry unless {{ method GET HEAD }}
    # When no host is ready (the object store out of reach of all of them, say), the hosts
    # that are alive still serve, degraded, rather than nobody.
    use_backend app if {{ nbsrv(app) gt 0 }}
    default_backend app_alive

backend app
    balance leastconn
    option httpchk
    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host {host}
    http-check expect status 200
    default-server inter 500ms fastinter 500ms downinter 500ms fall 2 rise 2 maxconn 40
{servers}

backend app_alive
    balance leastconn
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {host}
    http-check expect status 200
    default-server inter 500ms fastinter 500ms downinter 500ms fall 2 rise 2 maxconn 40
{servers}
"""


@dataclass
class HAProxy:
    process: Process
    socket: Path
    port: int

    def command(self, text: str) -> str:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(5)
            conn.connect(str(self.socket))
            conn.sendall(text.encode() + b"\n")
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self, backend: str) -> dict[str, dict[str, str]]:
        """`show stat` of a backend by row (each server, and BACKEND): status, scur (now),
        stot (total), wretr (retried), wredis (sent to another server)."""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        found = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == backend:
                found[row["svname"]] = row
        return found

    def servers(self, backend: str = "app") -> dict[str, dict[str, str]]:
        rows = self.stats(backend)
        return {name: row for name, row in rows.items() if name not in ("FRONTEND", "BACKEND")}

    def status(self, server: str) -> str:
        return self.servers()[server]["status"]


def start_haproxy(stack: Stack, port: int, host_header: str) -> HAProxy:
    sock = stack.folder / "haproxy.sock"
    servers = "\n".join(
        f"    server {name} {address}:{APP_PORT} check" for name, address in HOSTS.items()
    )
    config = stack.folder / "haproxy.cfg"
    config.write_text(
        HAPROXY_CONFIG.format(socket=sock, port=port, host=host_header, servers=servers)
    )
    run("haproxy", "-c", "-f", str(config))
    process = stack.start("haproxy", ["haproxy", "-db", "-f", str(config)])
    wait_until("HAProxy", lambda: sock.exists() and port_open("127.0.0.1", port), 10)
    return HAProxy(process, sock, port)
