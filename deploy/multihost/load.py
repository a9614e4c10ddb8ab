"""Traffic through HAProxy while something breaks: threads that read public pages and the API, and
write drafts through the private API, each with a unique name and submission key.

Every request is recorded (when it started and ended, read or write, status or error); every
write that got a 2xx keeps its name, so the database can be asked afterwards whether each one
is there.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from deploy.multihost.client import Client

READS = ("/", "/catalog", "/search?q=bamboo", "/partners", "/api/v1/products?per_page=5")
WRITE_SHARE = 0.3
# Each thread waits this long between requests: steady load that leaves the two cores room to
# start a host again (a saturated machine only measures itself).
PAUSE = 0.02


@dataclass(frozen=True)
class Sample:
    started: float  # time.monotonic()
    ended: float
    write: bool
    status: int  # 0: no answer (the error says why)
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


@dataclass
class Load:
    """Start with `start()`, stop with `stop()`; `samples` and `accepted` hold what happened."""

    port: int
    token: str
    label: str
    threads: int = 4
    samples: list[Sample] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # names of the drafts answered 2xx
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        for number in range(self.threads):
            thread = threading.Thread(target=self._run, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the threads (again: nothing happens)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def _run(self, number: int) -> None:
        chooser = random.Random(number)
        reader = Client("127.0.0.1", self.port, timeout=20)
        writer = Client("127.0.0.1", self.port, timeout=20, token=self.token)
        sequence = 0
        while not self._stop.is_set():
            write = chooser.random() < WRITE_SHARE
            started = time.monotonic()
            name = ""
            try:
                if write:
                    sequence += 1
                    name = f"mh {self.label} {number}-{sequence}"
                    answer = writer.send_json(
                        "POST",
                        "/api/v1/my/products",
                        {
                            "name": name,
                            "price_idr": 1000 + sequence,
                            "unit": "piece",
                            "submission_key": f"mh-{self.label}-{number}-{sequence}",
                        },
                    )
                else:
                    answer = reader.get(chooser.choice(READS))
                sample = Sample(started, time.monotonic(), write, answer.status)
            except OSError as error:
                sample = Sample(started, time.monotonic(), write, 0, type(error).__name__)
            with self._lock:
                self.samples.append(sample)
                if write and 200 <= sample.status < 300:
                    self.accepted.append(name)
            self._stop.wait(PAUSE)

    def between(self, start: float, end: float) -> list[Sample]:
        with self._lock:
            return [s for s in self.samples if start <= s.started < end]

    def failures(self, start: float = 0.0, end: float = float("inf")) -> list[Sample]:
        return [s for s in self.between(start, end) if not s.ok]

    def failures_ending(self, since: float) -> list[Sample]:
        """Failed requests that ended at `since` or later, whenever they started (a request
        under way when a host was killed, cut off by it)."""
        with self._lock:
            return [s for s in self.samples if not s.ok and s.ended >= since]


def describe(samples: list[Sample]) -> str:
    """`1234 requests (370 writes), 0 failed` and the kinds of failure, if any."""
    failed = [s for s in samples if not s.ok]
    writes = sum(1 for s in samples if s.write)
    text = f"{len(samples)} requests ({writes} writes), {len(failed)} failed"
    if failed:
        kinds: dict[str, int] = {}
        for sample in failed:
            kind = sample.error or str(sample.status)
            kinds[kind] = kinds.get(kind, 0) + 1
        text += " (" + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())) + ")"
    return text
