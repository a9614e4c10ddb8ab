"""Selects for API tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from marketplace.tokens.models import ApiToken


def tokens_of(user_id: int) -> sa.Select[ApiToken]:
    """A person's tokens not revoked (the expired ones too), the newest first."""
    return (
        sa.select(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def own_token(user_id: int, token_id: int) -> sa.Select[ApiToken]:
    return sa.select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.id == token_id)


def active_count(user_id: int, now: datetime) -> sa.Select[int]:
    return (
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == user_id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
    )


def token_by_digest(digest: str) -> sa.Select[ApiToken]:
    """The token with its person, in one statement (every API request runs it)."""
    return sa.select(ApiToken).where(ApiToken.digest == digest).options(joinedload(ApiToken.user))


def token_by_key(submission_key: str) -> sa.Select[ApiToken]:
    return sa.select(ApiToken).where(ApiToken.submission_key == submission_key)
