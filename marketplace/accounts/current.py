"""The signed-in person as a typed model, for views (services take models, not the proxy)."""

from __future__ import annotations

from flask_login import current_user

from marketplace.accounts.models import User


def me() -> User:
    """The signed-in person as a model (services take models, not the proxy)."""
    user: User = current_user._get_current_object()
    return user


def viewer() -> User | None:
    """The signed-in person, or None for an anonymous visitor."""
    return me() if current_user.is_authenticated else None
