"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations).

An account opened by a mailed link (a visitor's confirmed interest) has no password until its
owner chooses one: its stored value is `unusable_password()`, which no password matches, and
checking against it costs as much as against a real hash, so a login reveals nothing.

`PASSWORD_HASH_FAST` (the test suite's setting, never production's) hashes at argon2's lowest
cost: the cost changes how long hashing takes, never whether a password matches.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

# No argon2 hash starts with this (they start with "$argon2").
UNUSABLE_PREFIX = "!"


@cache
def _hashing(fast: bool) -> tuple[PasswordHasher, str]:
    """The hasher, and the hash checked against when the e-mail is unknown (so a login takes as
    long either way)."""
    hasher = (
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()
    )
    return hasher, hasher.hash("not a real password")


def _current() -> tuple[PasswordHasher, str]:
    return _hashing(has_app_context() and bool(current_app.config.get("PASSWORD_HASH_FAST")))


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def unusable_password() -> str:
    """A stored value that no password matches: "no password chosen yet"."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def is_usable(password_hash: str | None) -> bool:
    return bool(password_hash) and not (password_hash or "").startswith(UNUSABLE_PREFIX)


def verify_password(password_hash: str | None, password: str) -> bool:
    usable = password_hash if password_hash and is_usable(password_hash) else None
    hasher, dummy = _current()
    try:
        matches = hasher.verify(usable or dummy, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matches and usable is not None


def needs_rehash(password_hash: str) -> bool:
    return is_usable(password_hash) and _current()[0].check_needs_rehash(password_hash)
