"""Flask-Login wiring: sessions name a user *and* that user's current session token."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User, UserStatus
from marketplace.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    """Refuse a cookie whose token is stale: logout, password change or suspension rotated it."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_token != token or user.status != UserStatus.ACTIVE:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
