"""The security baseline of accounts: CSRF on every form, cookie flags, production settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

import config
from marketplace import create_app
from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from tests.factories import PASSWORD, make_user

NEW = "a brand new passphrase"


def _snapshot(app: Flask) -> tuple[list[tuple[object, ...]], int]:
    with app.app_context():
        users = db.session.execute(
            sa.select(
                User.email,
                User.name,
                User.locale,
                User.password_hash,
                User.session_token,
                User.email_verified_at,
            ).order_by(User.id)
        ).all()
        mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) or 0
        return [tuple(row) for row in users], mails


def test_every_accounts_form_refuses_a_post_without_csrf_token(app: Flask, login_as: Any) -> None:
    with app.app_context():
        user = make_user(Role.BUYER, email="csrf@example.org", verified=False)
        reset_token = tokens.make_reset_token(user)
        verify_token = tokens.make_verify_token(user)
        db.session.commit()
        client = login_as(user)
    anonymous = app.test_client()
    before = _snapshot(app)

    posts = [
        (anonymous, "/auth/register", {
            "role": "msme", "name": "X", "email": "new@example.org",
            "password": NEW, "confirm": NEW,
        }),
        (anonymous, "/auth/login", {"email": "csrf@example.org", "password": PASSWORD}),
        (anonymous, "/auth/reset", {"email": "csrf@example.org"}),
        (anonymous, f"/auth/reset/{reset_token}", {"password": NEW, "confirm": NEW}),
        (client, "/auth/resend-verification", {}),
        (client, "/auth/settings", {"name": "Changed", "locale": "id"}),
        (client, "/auth/settings/password", {
            "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW,
        }),
        (client, "/auth/logout", {}),
    ]  # fmt: skip
    for who, url, data in posts:
        response = who.post(url, data=data)
        assert response.status_code == 400, url
        assert "did not come from this site" in response.get_data(as_text=True), url
        bad = who.post(url, data={**data, "csrf_token": "forged"})
        assert bad.status_code == 400, url

    assert _snapshot(app) == before
    assert anonymous.get("/auth/settings").status_code == 302  # the login did not happen
    assert client.get("/auth/settings").status_code == 200  # the logout did not happen
    assert client.get(f"/auth/verify/{verify_token}").status_code == 200  # the confirm page


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret that is long enough")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    production = create_app()
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_development_cookies_are_not_secure_only(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_without_secret_key_refuses_to_start() -> None:
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.load_config({"APP_ENV": "production"})


@pytest.mark.parametrize("key", ["short", "x" * 31])
def test_production_refuses_a_short_secret_key(key: str) -> None:
    with pytest.raises(config.ConfigError, match="at least 32 bytes"):
        config.load_config({"APP_ENV": "production", "SECRET_KEY": key, "BASE_URL": "https://a.id"})


def test_production_accepts_a_long_secret_key() -> None:
    settings = config.load_config(
        {"APP_ENV": "production", "SECRET_KEY": "k" * 32, "BASE_URL": "https://a.id"}
    )
    assert settings["SECRET_KEY"] == "k" * 32
