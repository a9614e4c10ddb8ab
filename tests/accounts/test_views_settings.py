"""Account settings: name and language, and a password change that needs the old password."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.accounts.passwords import unusable_password
from marketplace.db import db
from tests.accounts.helpers import is_logged_in, link_path, log_in, outbox
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import PASSWORD, make_buyer, make_user

NEW_PASSWORD = "tahu sumedang at noon"


@pytest.fixture
def email(app: Flask) -> str:
    with app.app_context():
        make_user(Role.BUYER, email="settings@example.org", name="Old Name")
        db.session.commit()
    return "settings@example.org"


def _stored(app: Flask) -> User:
    with app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        db.session.expunge(user)
        return user


def test_settings_need_a_login(client: FlaskClient) -> None:
    response = client.get("/auth/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_name_and_language_are_saved_and_the_page_follows_the_language(
    app: Flask, client: FlaskClient, email: str
) -> None:
    log_in(client, email)
    page = client.get("/auth/settings").get_data(as_text=True)
    assert 'value="Old Name"' in page

    response = post_form(client, "/auth/settings", {"name": "  Anna   Schmidt ", "locale": "id"})

    assert response.status_code == 302
    user = _stored(app)
    assert (user.name, user.locale) == ("Anna Schmidt", "id")
    assert '<html lang="id">' in client.get("/auth/settings").get_data(as_text=True)


def test_unknown_language_is_refused(app: Flask, client: FlaskClient, email: str) -> None:
    log_in(client, email)
    response = post_form(client, "/auth/settings", {"name": "Anna", "locale": "xx"})
    assert response.status_code == 400
    assert _stored(app).name == "Old Name"


def test_password_change_needs_the_current_password(
    app: Flask, client: FlaskClient, email: str
) -> None:
    log_in(client, email)
    before = _stored(app)
    response = post_form(
        client,
        "/auth/settings/password",
        {
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        page="/auth/settings",
    )
    assert response.status_code == 400
    assert "Your current password is not correct." in response.get_data(as_text=True)
    after = _stored(app)
    assert after.password_hash == before.password_hash
    assert after.session_token == before.session_token


def test_password_change_keeps_this_browser_and_ends_the_others(app: Flask, email: str) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, email, remember=True)
    log_in(elsewhere, email, remember=True)
    old_remember = here.get_cookie("remember_token")
    assert old_remember is not None

    response = post_form(
        here,
        "/auth/settings/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        page="/auth/settings",
    )

    assert response.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    # This browser got a fresh remember cookie; the old one no longer works anywhere.
    new_remember = here.get_cookie("remember_token")
    assert new_remember is not None and new_remember.value != old_remember.value
    stale = app.test_client()
    stale.set_cookie("remember_token", old_remember.value)
    assert not is_logged_in(stale)
    assert log_in(app.test_client(), email, NEW_PASSWORD).status_code == 302


def test_new_password_must_follow_the_rules(app: Flask, client: FlaskClient, email: str) -> None:
    log_in(client, email)
    before = _stored(app).password_hash
    for new, message in [
        ("short", "Use at least 10 characters."),
        (PASSWORD, "Choose a password different from the current one."),
        (email, "must not be your e-mail address"),
    ]:
        response = post_form(
            client,
            "/auth/settings/password",
            {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
            page="/auth/settings",
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _stored(app).password_hash == before


@pytest.fixture
def linked(app: Flask) -> str:
    """An account opened by a mailed link: verified, no password chosen yet."""
    with app.app_context():
        user = make_user(Role.BUYER, email="linked@example.kr")
        user.password_hash = unusable_password()
        db.session.commit()
    return "linked@example.kr"


def test_an_account_without_a_password_is_offered_to_choose_one(
    app: Flask, login_as: Any, linked: str
) -> None:
    user = _stored(app)
    client = login_as(user)
    settings = client.get("/auth/settings").get_data(as_text=True)
    assert "Choose a password (optional)" in settings
    assert 'name="current_password"' not in settings and "Change your password" not in settings

    for data, error in (
        (
            {"new_password": NEW_PASSWORD, "confirm_password": "other", "next": "/shortlist/"},
            "not the same",
        ),
        ({"new_password": "short", "confirm_password": "short"}, "at least 10"),
    ):
        response = post_form(client, "/auth/settings/password", data, page="/auth/settings")
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and error in html
        # The form shown again still leads back where it came from (or to the settings).
        back = data.get("next", "/auth/settings")
        assert f'name="next" type="hidden" value="{back}"' in html
    assert not _stored(app).has_password

    response = post_form(
        client,
        "/auth/settings/password",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "next": "//evil.example"},
        page="/auth/settings",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/auth/settings"
    settings = client.get("/auth/settings").get_data(as_text=True)
    assert "Your password is saved." in settings and "Change your password" in settings
    # Once chosen, changing it needs it: the form without a current password does nothing.
    again = post_form(
        client,
        "/auth/settings/password",
        {"new_password": "another one entirely", "confirm_password": "another one entirely"},
        page="/auth/settings",
    )
    assert again.status_code == 400
    assert (
        is_logged_in(client) and log_in(app.test_client(), linked, NEW_PASSWORD).status_code == 302
    )


def test_an_account_without_a_password_can_set_one_by_reset(
    app: Flask, client: FlaskClient, linked: str
) -> None:
    assert log_in(client, linked, "").status_code == 400
    post_form(client, "/auth/reset", {"email": linked})
    [(_to, _subject, body)] = outbox(app, linked)
    path = link_path(body, "/auth/reset/")
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert log_in(client, linked, NEW_PASSWORD).status_code == 302


def test_a_buyer_reaches_the_company_profile_and_their_data_from_the_settings(
    app: Flask, login_as: Any
) -> None:
    with app.app_context():
        buyer = make_buyer()
        owner = make_user(Role.MSME)
        commit_and_detach(buyer, owner)
    page = login_as(buyer).get("/auth/settings").get_data(as_text=True)
    assert 'href="/buyer/profile"' in page and 'href="/my/data"' in page
    assert login_as(buyer).get("/buyer/profile").status_code == 200
    assert 'href="/buyer/profile"' not in login_as(owner).get("/auth/settings").get_data(
        as_text=True
    )
