"""This process's counts waiting to be written, and the thread that writes them.

A page view only appends to the buffer (`Counts.add`): it writes nothing to the database. A
daemon thread of the process, started by the first count (so in each gunicorn worker, after the
fork, never at import), writes the batch every COUNTS_FLUSH_SECONDS, or at once when
COUNTS_FLUSH_SIZE counts wait (`batches.write_batch`). What a failed write kept waits for the
next one; past COUNTS_BUFFER_MAX waiting counts the oldest are dropped, with a log line. At the
process's exit (a worker stopped or restarted: gunicorn ends it with SystemExit, so `atexit`
runs) the rest is written. With COUNTS_FLUSH_SECONDS at 0 there is no thread: the counts are
written as each request ends, after its response is made (the tests' setting).

A page that shows counts to a person calls `flush_counts` first (`reads_counts`), which also
waits for a write in progress: in one process a report includes every view made before it.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import TypeVar, cast

from flask import Flask, current_app

from marketplace.counting.batches import Pending, write_batch
from marketplace.db import db

View = TypeVar("View", bound=Callable[..., object])

_open: weakref.WeakSet[Counts] = weakref.WeakSet()
_exit_hook_pid: list[int] = []  # the process that registered the hook (not its parent's)


class Counts:
    """The buffer of one app in this process (one app per worker in production)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._begin()

    def _begin(self) -> None:
        """Fresh locks, buffer and no thread: at creation, and in a forked child."""
        self._pid = os.getpid()
        self._lock = threading.Lock()  # the buffer
        self._writing = threading.Lock()  # one write at a time, and readers wait for it
        self._wake = threading.Event()
        self._pending: deque[Pending] = deque()
        self._thread: threading.Thread | None = None
        self._closed = False

    def _own_process(self) -> None:
        if self._pid != os.getpid():  # forked with the app already built (gunicorn --preload)
            self._begin()

    @property
    def seconds(self) -> float:
        return float(self.app.config["COUNTS_FLUSH_SECONDS"])

    def add(self, pending: Pending) -> None:
        """Buffer a count; never touches the database."""
        self._own_process()
        with self._lock:
            self._pending.append(pending)
            self._trim()
            full = len(self._pending) >= int(self.app.config["COUNTS_FLUSH_SIZE"])
        if self.seconds > 0:
            self._start()
            if full:
                self._wake.set()

    def waiting(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        """Write what waits, in the current application context's session."""
        self._own_process()
        with self._writing:
            with self._lock:
                batch = list(self._pending)
                self._pending.clear()
            if not batch:
                return
            kept = write_batch(batch)
            if kept:
                with self._lock:
                    self._pending.extendleft(reversed(kept))
                    self._trim()

    def close(self) -> None:
        """Stop the thread and write what waits (at the process's exit)."""
        self._closed = True
        self._wake.set()
        with self.app.app_context():
            try:
                self.flush()
            finally:
                db.session.remove()

    def _trim(self) -> None:
        cap = int(self.app.config["COUNTS_BUFFER_MAX"])
        excess = len(self._pending) - cap
        if excess > 0:
            for _ in range(excess):
                self._pending.popleft()
            self.app.logger.error("Dropped the %d oldest counts of views: %d waited", excess, cap)

    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._closed or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._run, name="counts-writer", daemon=True)
            self._thread.start()
        _write_at_exit(self)

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.seconds)
            self._wake.clear()
            try:
                with self.app.app_context():
                    try:
                        self.flush()
                    finally:
                        db.session.remove()
            except Exception:  # the thread must outlive any failure
                self.app.logger.exception("Could not write the counts of views")


def _write_at_exit(counts: Counts) -> None:
    _open.add(counts)
    if os.getpid() not in _exit_hook_pid:
        _exit_hook_pid.append(os.getpid())
        atexit.register(_close_all)


def _close_all() -> None:
    for counts in list(_open):
        if counts._pid == os.getpid():
            try:
                counts.close()
            except Exception:
                counts.app.logger.exception("Could not write the counts of views at exit")


def init_counting(app: Flask) -> None:
    """The app's buffer; with COUNTS_FLUSH_SECONDS at 0, written as each request ends."""
    counts = Counts(app)
    app.extensions["counts"] = counts

    def write_counts_now(_error: BaseException | None) -> None:
        end_of_request()

    app.teardown_request(write_counts_now)


def end_of_request() -> None:
    """At the end of a request (and of one Flask did not make): with COUNTS_FLUSH_SECONDS at 0,
    write what waits."""
    counts = cast(Counts, current_app.extensions["counts"])
    if counts.seconds <= 0 and counts.waiting():
        counts.flush()


def buffered(pending: Pending) -> None:
    """Add `pending` to this process's buffer of the current app."""
    cast(Counts, current_app.extensions["counts"]).add(pending)


def flush_counts() -> None:
    """Write this process's waiting counts now, after any write in progress; cheap when none
    wait. When some do, the current session's transaction is ended first."""
    cast(Counts, current_app.extensions["counts"]).flush()


def reads_counts(view: View) -> View:
    """For a view that shows counts: this process's waiting counts are written first."""

    @functools.wraps(view)
    def with_counts_written(*args: object, **kwargs: object) -> object:
        flush_counts()
        return view(*args, **kwargs)

    return cast(View, with_counts_written)
