"""Password reset by e-mail: the same answer for every address, links that work once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User, UserStatus
from marketplace.db import db
from tests.accounts.helpers import is_logged_in, link_path, log_in, outbox, without_csrf
from tests.conftest import post_form
from tests.factories import make_user

NEW_PASSWORD = "kopi luwak and rain 42"


def _known_user(app: Flask, **fields: Any) -> str:
    with app.app_context():
        make_user(Role.MSME, email="owner@example.org", **fields)
        db.session.commit()
    return "owner@example.org"


def _ask_reset(client: FlaskClient, email: str) -> str:
    response = post_form(client, "/auth/reset", {"email": email})
    assert response.status_code == 302
    location: str = response.headers["Location"]
    return location


def test_known_and_unknown_addresses_get_the_same_answer(app: Flask) -> None:
    email = _known_user(app)
    known, unknown = app.test_client(), app.test_client()

    known_location = _ask_reset(known, email)
    unknown_location = _ask_reset(unknown, "stranger@example.org")

    assert known_location == unknown_location == "/auth/check-inbox?purpose=reset"
    assert without_csrf(known.get(known_location).get_data(as_text=True)) == without_csrf(
        unknown.get(unknown_location).get_data(as_text=True)
    )
    [(to, subject, body)] = outbox(app)
    assert to == email
    assert subject == "Reset your password"
    assert "http://127.0.0.1:8000/auth/reset/" in body


def test_suspended_account_gets_no_reset_mail(app: Flask, client: FlaskClient) -> None:
    email = _known_user(app, status=UserStatus.SUSPENDED)
    assert _ask_reset(client, email) == "/auth/check-inbox?purpose=reset"
    assert outbox(app) == []


def test_reset_link_sets_a_new_password_once_and_ends_old_sessions(app: Flask) -> None:
    email = _known_user(app)
    logged_in_elsewhere = app.test_client()
    assert log_in(logged_in_elsewhere, email).status_code == 302

    client = app.test_client()
    _ask_reset(client, email)
    path = link_path(outbox(app)[0][2], "/auth/reset/")

    form_page = client.get(path)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.get_data(as_text=True)
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    assert not is_logged_in(logged_in_elsewhere)
    assert log_in(app.test_client(), email).status_code == 400  # the old password
    assert log_in(app.test_client(), email, NEW_PASSWORD).status_code == 302

    again = client.get(path)
    assert again.status_code == 400
    assert "This link has already been used." in again.get_data(as_text=True)


def test_reset_with_a_weak_password_changes_nothing(app: Flask, client: FlaskClient) -> None:
    email = _known_user(app)
    _ask_reset(client, email)
    path = link_path(outbox(app)[0][2], "/auth/reset/")
    with app.app_context():
        before = db.session.scalars(sa.select(User.password_hash)).one()

    response = post_form(client, path, {"password": "short", "confirm": "short"})

    assert response.status_code == 400
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(User.password_hash)).one() == before
    assert client.get(path).status_code == 200  # the link is still good


def test_expired_and_forged_reset_links_are_refused(app: Flask, client: FlaskClient) -> None:
    _known_user(app)
    with app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        token = tokens.make_reset_token(user)
    saved = app.config["RESET_TOKEN_MAX_AGE"]
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    try:
        expired = client.get(f"/auth/reset/{token}")
    finally:
        app.config["RESET_TOKEN_MAX_AGE"] = saved
    assert expired.status_code == 400
    assert "This link has expired." in expired.get_data(as_text=True)
    assert "Ask for a new link" in expired.get_data(as_text=True)

    forged = client.get(f"/auth/reset/{token[:-4]}abcd")
    assert forged.status_code == 400
    assert "This link is not valid." in forged.get_data(as_text=True)

    # A verification token is not a reset token, even though both are signed with the same key.
    with app.app_context():
        verify_token = tokens.make_verify_token(db.session.scalars(sa.select(User)).one())
    assert client.get(f"/auth/reset/{verify_token}").status_code == 400


def test_reset_requests_are_limited_per_address(app: Flask) -> None:
    email = _known_user(app)
    for n in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        assert post_form(client, "/auth/reset", {"email": email}).status_code == 302
    late = app.test_client()
    late.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    response = post_form(late, "/auth/reset", {"email": email})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert len(outbox(app)) == 3
