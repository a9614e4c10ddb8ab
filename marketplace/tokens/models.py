"""A person's API token: its name, scope, expiry and last use, and the SHA-256 of its secret.

The secret itself is never stored: it is shown once, when the token is made. What is kept is
its digest, which the API looks the token up by (`services.find_token`), and its first
characters (`prefix`), so the owner can tell tokens apart and a leaked one can be recognised.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class TokenScope(enum.StrEnum):
    READ = "read"  # GET only
    WRITE = "write"  # read and write


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope, "scope"))
    # "bem_" and the secret's first 8 characters: shown in the list, greppable in a leak.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    # SHA-256 (hex) of the whole secret: how a request's token is found.
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The form's one-time key: a double click makes one token.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    # Written at most once a minute (see `services.touch`).
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at <= now

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} {self.scope}>"
