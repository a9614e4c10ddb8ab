"""Signed, expiring, single-use tokens for the links we e-mail: address verification and reset
(and, through `sign` and `read_signed`, a visitor's interest waiting for confirmation).

A token carries the user's id and a fingerprint of the state it consumes. Using the token changes
that state (the address becomes verified; the password hash and session token change), so the
fingerprint no longer matches and a second use is refused without storing anything.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts.models import User, UserStatus
from marketplace.db import db
from marketplace.errors import ServiceError

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"


class TokenError(ServiceError):
    """A link from an e-mail cannot be used; `message` says why in words a person understands."""


class TokenExpiredError(TokenError):
    def __init__(self) -> None:
        super().__init__(_l("This link has expired. Please ask for a new one."))


class TokenInvalidError(TokenError):
    def __init__(self) -> None:
        super().__init__(_l("This link is not valid. Please copy the whole link from the e-mail."))


class TokenUsedError(TokenError):
    def __init__(self) -> None:
        super().__init__(_l("This link has already been used."))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _verify_fingerprint(user: User) -> str:
    return _digest(user.email)


def _reset_fingerprint(user: User) -> str:
    return _digest(user.password_hash, user.session_token)


def sign(purpose: str, payload: dict[str, Any]) -> str:
    """A token for `purpose` carrying `payload` (ids and fingerprints, nothing secret)."""
    return _serializer(purpose).dumps(payload)


def read_signed(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a token made by `sign` for `purpose`; expired or forged tokens raise."""
    try:
        payload: Any = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpiredError() from exc
    except BadSignature as exc:
        raise TokenInvalidError() from exc
    if not isinstance(payload, dict):
        raise TokenInvalidError()
    return payload


def digest(*parts: str) -> str:
    """A short fingerprint of `parts`, for a token to check against the state it consumes."""
    return _digest(*parts)


def _load(purpose: str, token: str, max_age: int) -> tuple[User, str]:
    """The user a token names and the fingerprint it carries; expired or forged tokens raise."""
    payload = read_signed(purpose, token, max_age)
    user_id, fingerprint = payload.get("u"), payload.get("f")
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        raise TokenInvalidError()
    user = db.session.get(User, user_id)
    if user is None:
        raise TokenInvalidError()
    return user, fingerprint


def make_verify_token(user: User) -> str:
    return _serializer(VERIFY_EMAIL).dumps({"u": user.id, "f": _verify_fingerprint(user)})


def read_verify_token(token: str) -> User:
    """The user whose address the token verifies; a changed or already verified address refuses."""
    user, fingerprint = _load(VERIFY_EMAIL, token, current_app.config["TOKEN_MAX_AGE"])
    if fingerprint != _verify_fingerprint(user):
        # The address changed since the link was sent: the link was for another address.
        raise TokenInvalidError()
    if user.email_verified_at is not None:
        raise TokenUsedError()
    return user


def make_reset_token(user: User) -> str:
    return _serializer(RESET_PASSWORD).dumps({"u": user.id, "f": _reset_fingerprint(user)})


def read_reset_token(token: str) -> User:
    """The user whose password the token may reset, as long as nothing changed since it was sent."""
    user, fingerprint = _load(RESET_PASSWORD, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    if fingerprint != _reset_fingerprint(user):
        raise TokenUsedError()
    if user.status != UserStatus.ACTIVE:
        # A suspended account must not come back through a reset link.
        raise TokenInvalidError()
    return user
