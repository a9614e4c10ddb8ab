"""Factories for tests: they add and flush, never commit; the caller commits when it needs to.

Call them inside an application context (the `ctx` fixture, or `with app.app_context():`).
"""

from __future__ import annotations

import itertools
from typing import Any

from marketplace.accounts.models import Role, User
from marketplace.accounts.passwords import hash_password
from marketplace.db import db, utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)

# Hashing is deliberately slow; tests share one hash of the common password.
_PASSWORD_HASH: str | None = None


def _password_hash(password: str) -> str:
    global _PASSWORD_HASH
    if password != PASSWORD:
        return hash_password(password)
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_user(
    role: Role = Role.BUYER,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    **fields: Any,
) -> User:
    n = next(_counter)
    user = User(
        email=email or f"{role.value}{n}@example.com",
        name=name or f"{role.value.title()} {n}",
        password_hash=_password_hash(password),
        role=role,
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user
