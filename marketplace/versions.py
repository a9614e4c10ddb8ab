"""Versions of the data behind what is kept between requests (cached pages, reference lists).

A version is a stamp per name ("public": everything an anonymous visitor's page shows;
"reference": subsectors, certifications, cities, rates). It lives in the database, so every
worker and every host sees the same one. A new random stamp is written in the same transaction
as the change behind it (random, not a counter: a change rolled back leaves no number that a
later change could be given again). The features declare their models with `watch` when the
app is built, and a flush that adds, changes or deletes one of them bumps the names it was
declared for, once per transaction. Bulk statements (`sa.update(...)` executed directly, as the
view counters do on purpose) bump nothing.

Something kept under a version is simply not found again once the version has moved on: a
cached page's key holds the version it was made from. Reading the versions is one small query;
each process keeps what it read for `VERSIONS_CHECK_SECONDS` (config, one second by default),
so a change made in one worker reaches another's cache within that time, and the worker that
made it sees it at once (its own commit forgets what it read).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from functools import update_wrapper
from typing import Any, Generic, ParamSpec, TypeVar, cast

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from marketplace.db import Base

PUBLIC = "public"
REFERENCE = "reference"
DEFAULT_CHECK_SECONDS = 1.0
PENDING_KEY = "versions_to_bump"  # in `session.info`: names bumped by this transaction


class DataVersion(Base):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


VERSIONS = cast(sa.Table, DataVersion.__table__)
_watched: dict[type, frozenset[str]] = {}
_lock = threading.Lock()
_known: dict[str, int] = {}
_read_at = 0.0


def watch(model: type, *names: str) -> None:
    """A change to a row of `model` bumps `names` (declared when the app is built)."""
    _watched[model] = _watched.get(model, frozenset()) | frozenset(names)


def _names_for(objects: Iterable[object]) -> set[str]:
    names: set[str] = set()
    for obj in objects:
        for model in type(obj).__mro__:
            names |= _watched.get(model, frozenset())
    return names


def _check_seconds() -> float:
    if not has_app_context():
        return DEFAULT_CHECK_SECONDS
    return float(current_app.config.get("VERSIONS_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def forget() -> None:
    """Read the versions anew at the next `current` (after this process changed one)."""
    global _read_at
    with _lock:
        _read_at = 0.0


def known(name: str, max_age: float) -> int | None:
    """The version of `name` as this process read it, if that was less than `max_age` seconds
    ago; None when it must be read again (with `current`, in an app context)."""
    if time.monotonic() - _read_at >= max_age:
        return None
    return _known.get(name, 0)


def current(name: str) -> int:
    """The version of `name` as this process last read it (at most a second ago)."""
    global _read_at
    now = time.monotonic()
    if now - _read_at >= _check_seconds():
        from marketplace.db import db

        rows = db.session.execute(sa.select(VERSIONS.c.name, VERSIONS.c.version)).all()
        with _lock:
            _known.clear()
            _known.update({row.name: int(row.version) for row in rows})
            _read_at = now
    return _known.get(name, 0)


P = ParamSpec("P")
R = TypeVar("R")


class PerVersion(Generic[P, R]):
    """A function whose results this process keeps until version `name` moves on (see
    `per_version`); `cache_clear` forgets them all."""

    def __init__(self, name: str, function: Callable[P, R]) -> None:
        self.name = name
        self.function = function
        self.kept: dict[Any, tuple[int, R]] = {}
        update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items())))
        version = current(self.name)
        found = self.kept.get(key)
        if found is not None and found[0] == version:
            return found[1]
        result = self.function(*args, **kwargs)
        self.kept[key] = (version, result)
        return result

    def cache_clear(self) -> None:
        self.kept.clear()


def per_version(name: str) -> Callable[[Callable[P, R]], PerVersion[P, R]]:
    """Keep a function's results in this process until version `name` moves on.

    For small lists read on many pages (subsectors, cities, rates). The results must be plain
    values (tuples, dataclasses), never rows of a session, which end with their request."""

    def decorate(function: Callable[P, R]) -> PerVersion[P, R]:
        return PerVersion(name, function)

    return decorate


def bump(session: Session, names: Iterable[str]) -> None:
    """Give `names` new stamps in the session's transaction (rows made on first use)."""
    connection = session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for name in sorted(set(names)):
        stamp = secrets.randbits(62)
        statement = insert(VERSIONS).values(name=name, version=stamp)
        connection.execute(
            statement.on_conflict_do_update(index_elements=["name"], set_={"version": stamp})
        )
    session.info.setdefault(PENDING_KEY, set()).update(names)


def _after_flush(session: Session, _context: object) -> None:
    # The session still lists what this flush wrote as new, changed and deleted.
    changed = [*session.new, *session.deleted]
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    names = _names_for(changed) - session.info.get(PENDING_KEY, set())
    if names:
        bump(session, names)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session.info.pop(PENDING_KEY, None):
        forget()


def watch_session(session: Any) -> None:
    """Bump the versions of what each flush of `session` (the application's scoped session)
    changed, and forget what this process read once such a transaction ends; idempotent."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(session, name, listener):
            event.listen(session, name, listener)
