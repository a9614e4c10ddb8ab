"""The rules of personal access tokens: who may make one, what it may do, how long it lives, how
a request's token is found, and the mark of its last use.

A token's secret is `bem_` and 43 URL-safe characters: 32 random bytes (256 bits) from the
operating system's generator. The prefix makes a leaked token easy to find (in a repository, a
log, a paste) and to tell apart from other services' keys.

Only the SHA-256 of the secret is stored, not a slow password hash (Argon2, as for passwords),
and that is deliberate: a slow hash protects a secret a person chose, which may be guessed in a
few billion tries; 256 random bits cannot be guessed at any speed, so a fast digest of them is
as safe to keep as a slow one. A fast digest is also what lets every API request find its
token by an indexed lookup of the digest, at the cost of one hash, where a salted slow hash
would need a salt lookup first and cost tens of milliseconds of CPU per request to anyone who
sends one (a way to exhaust the server). Comparing digests by index does not leak the secret
through timing: an attacker learns, at most, about the digest of what they sent.

A token works while it is not revoked, not past its expiry, and its person's account is active:
a suspended or deleted account's tokens stop at once (and work again if the account is
reactivated, until they expire). Creating and revoking a token is written to the audit log
(the person is its actor).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.tokens import queries
from marketplace.tokens.models import ApiToken, TokenScope

# The people the API has operations for (a channel coordinator's pages have none).
TOKEN_ROLES = frozenset({Role.MSME, Role.BUYER, Role.OFFICER, Role.ADMIN})
LIFETIMES = (30, 90, 365)  # days
NAME_MAX = 80
KEY_MAX = 64
MAX_ACTIVE = 10
PREFIX = "bem_"
SECRET_BYTES = 32
SHOWN_CHARS = 8  # of the secret after the prefix, kept to tell tokens apart
SECRET = re.compile(r"bem_[A-Za-z0-9_-]{43}")
# `last_used_at` is written at most this often per token.
TOUCH_EVERY = timedelta(minutes=1)


class TokenError(ServiceError):
    """A rule of API tokens was not met."""


@dataclass(frozen=True)
class NewToken:
    """A token just made, and its secret; `secret` is None when the same form was sent again
    (the secret was shown to the first request and is not known any more)."""

    token: ApiToken
    secret: str | None


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def _clean_name(name: str) -> str:
    kept = " ".join("".join(ch for ch in name if ch.isprintable()).split())
    if not kept:
        raise TokenError(_l("Give the token a name, so you know where it is used."))
    if len(kept) > NAME_MAX:
        raise TokenError(_l("The name may be at most %(n)d characters long.", n=NAME_MAX))
    return kept


def _repeated(user: User, key: str | None) -> NewToken | None:
    if key is None:
        return None
    made = db.session.scalar(queries.token_by_key(key))
    if made is None:
        return None
    if made.user_id != user.id:
        raise TokenError(_l("The form has expired. Please reload the page and send it again."))
    return NewToken(made, None)


def create_token(
    user: User,
    name: str,
    scope: TokenScope,
    days: int,
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> NewToken:
    """A new token of `user`, valid for `days` days. The person's row is locked first, so two
    forms at once cannot pass the limit of active tokens together; the same form sent twice
    makes one token."""
    if user.role not in TOKEN_ROLES:
        raise TokenError(_l("Your account has no use for API tokens."))
    if user.status != UserStatus.ACTIVE:
        raise TokenError(_l("This account is not active."))
    if days not in LIFETIMES:
        raise TokenError(_l("Choose when the token expires from the list."))
    clean = _clean_name(name)
    key = (submission_key or "").strip()[:KEY_MAX] or None
    lock(user)
    repeated = _repeated(user, key)
    if repeated is not None:
        return repeated
    now = now or utcnow()
    if (db.session.scalar(queries.active_count(user.id, now)) or 0) >= MAX_ACTIVE:
        raise TokenError(
            lazy_ngettext(
                "You have %(num)d active token. Revoke it first if you no longer use it.",
                "You have %(num)d active tokens. Revoke one you no longer use first.",
                MAX_ACTIVE,
            )
        )
    secret = new_secret()
    token = ApiToken(
        user_id=user.id,
        name=clean,
        scope=scope,
        prefix=secret[: len(PREFIX) + SHOWN_CHARS],
        digest=digest_of(secret),
        submission_key=key,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    try:
        with db.session.begin_nested():
            db.session.add(token)
    except sa.exc.IntegrityError:
        found = _repeated(user, key)
        if found is None:
            raise
        return found
    record_audit(
        user,
        AuditAction.API_TOKEN_CREATED,
        "api_token",
        token.id,
        after={
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope.value,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return NewToken(token, secret)


def revoke_token(token: ApiToken, user: User, now: datetime | None = None) -> None:
    """The token stops working at once; its row stays (the audit log names it)."""
    lock(token)
    if token.user_id != user.id:
        raise TokenError(_l("You can only revoke your own tokens."))
    if token.revoked_at is not None:
        raise TokenError(_l("This token is already revoked."))
    token.revoked_at = now or utcnow()
    db.session.flush()
    record_audit(
        user,
        AuditAction.API_TOKEN_REVOKED,
        "api_token",
        token.id,
        before={"name": token.name, "prefix": token.prefix},
        after={"revoked_at": token.revoked_at.isoformat()},
    )


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret this is (used or not), or None; nothing is looked up for a
    string that cannot be a secret."""
    if SECRET.fullmatch(secret) is None:
        return None
    return db.session.scalar(queries.token_by_digest(digest_of(secret)))


def refusal(token: ApiToken, now: datetime) -> str | None:
    """Why the token cannot be used now, or None when it can (in English, as the API speaks)."""
    if token.revoked_at is not None:
        return "This token has been revoked."
    if token.is_expired(now):
        return "This token has expired."
    if token.user.status != UserStatus.ACTIVE or token.user.role not in TOKEN_ROLES:
        return "The account of this token cannot use the API."
    return None


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch(token_id: int, now: datetime) -> None:
    """Mark the token used now, unless it was marked less than a minute ago (by this request's
    reading or by another request meanwhile: the condition is in the statement)."""
    db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
