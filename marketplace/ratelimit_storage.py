"""A rate-limit storage shared by every worker on one machine, with no server to run.

Flask-Limiter keeps its counters in a `limits` storage. The in-process `memory://` storage gives
each gunicorn worker its own counters, so a limit of 5 logins let 2 workers allow up to 10 (and
18 were seen). Redis shares counters across hosts and is the choice for several machines; on one
machine this storage keeps them in a small SQLite file beside the database, which every worker
and every process on the machine opens. Registered with `limits` under the `sqlite` scheme:
`RATELIMIT_STORAGE_URI=sqlite:////abs/path/ratelimits.sqlite` (see config.py).

Each increment is one atomic UPSERT statement, so concurrent workers never lose a hit; an expired
window is restarted by the same statement. Only the fixed-window strategy (Flask-Limiter's
default) is supported. The file holds keys and counts only, and can be deleted at any time.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID
"""

INCREMENT = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires <= :now THEN excluded.count
                 ELSE counters.count + excluded.count END,
    expires = CASE WHEN counters.expires <= :now THEN excluded.expires
                   ELSE counters.expires END
RETURNING count
"""

# One increment in this many also removes expired windows, so the file stays small.
PURGE_ONE_IN = 200
BUSY_TIMEOUT_SECONDS = 5.0


def path_from_uri(uri: str) -> Path:
    """`sqlite:////abs/file` or `sqlite:///relative/file`, as SQLAlchemy spells SQLite URLs."""
    if not uri.startswith("sqlite:///"):
        raise ValueError(f"not a sqlite:/// address: {uri!r}")
    return Path(uri.removeprefix("sqlite:///"))


class SQLiteStorage(Storage):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = path_from_uri(uri)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked worker opens its own)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            self._local.connection = connection
            self._local.pid = os.getpid()
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        row = connection.execute(
            INCREMENT, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
        ).fetchone()
        if random.randrange(PURGE_ONE_IN) == 0:  # noqa: S311 (not for security)
            connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cursor = self._connection().execute("DELETE FROM counters")
        return cursor.rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
