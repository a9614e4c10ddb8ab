"""Selects for accounts."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User


def user_by_email(email: str) -> sa.Select[User]:
    """Addresses are stored normalised (see `services.normalise_email`)."""
    return sa.select(User).where(User.email == email)
