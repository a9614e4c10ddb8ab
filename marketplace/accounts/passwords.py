"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations).

An account opened by a mailed link (a visitor's confirmed interest) has no password until its
owner chooses one: its stored value is `unusable_password()`, which no password matches, and
checking against it costs as much as against a real hash, so a login reveals nothing.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# Checked against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")
# No argon2 hash starts with this (they start with "$argon2").
UNUSABLE_PREFIX = "!"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def unusable_password() -> str:
    """A stored value that no password matches: "no password chosen yet"."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def is_usable(password_hash: str | None) -> bool:
    return bool(password_hash) and not (password_hash or "").startswith(UNUSABLE_PREFIX)


def verify_password(password_hash: str | None, password: str) -> bool:
    usable = password_hash if password_hash and is_usable(password_hash) else None
    try:
        matches = _hasher.verify(usable or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matches and usable is not None


def needs_rehash(password_hash: str) -> bool:
    return is_usable(password_hash) and _hasher.check_needs_rehash(password_hash)
