"""Logging in and out: generic failures, rate limits, sessions that end, safe `next` redirects."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.accounts.passwords import needs_rehash
from marketplace.db import db
from tests.accounts.helpers import is_logged_in, log_in, without_csrf
from tests.conftest import post_form
from tests.factories import PASSWORD, make_user


@pytest.fixture
def buyer_email(app: Flask) -> str:
    with app.app_context():
        make_user(Role.BUYER, email="buyer@example.org")
        db.session.commit()
    return "buyer@example.org"


def test_login_with_the_right_password(app: Flask, client: FlaskClient, buyer_email: str) -> None:
    response = log_in(client, "  Buyer@Example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == buyer_email)).one()
        assert user.last_login_at is not None


def test_unknown_address_and_wrong_password_get_the_same_answer(
    app: Flask, buyer_email: str
) -> None:
    wrong_password = log_in(app.test_client(), buyer_email, "not the password at all")
    unknown = log_in(app.test_client(), "nobody@example.org", PASSWORD)

    assert wrong_password.status_code == unknown.status_code == 400
    body_wrong = without_csrf(wrong_password.get_data(as_text=True)).replace(buyer_email, "E")
    body_unknown = without_csrf(unknown.get_data(as_text=True)).replace("nobody@example.org", "E")
    assert body_wrong == body_unknown
    assert "E-mail or password is incorrect." in body_wrong


def test_suspended_account_cannot_log_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user(Role.MSME, email="gone@example.org", status=UserStatus.SUSPENDED)
        db.session.commit()
    response = log_in(client, "gone@example.org")
    assert response.status_code == 400
    assert "E-mail or password is incorrect." in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_outdated_hash_is_upgraded_on_login(app: Flask, client: FlaskClient) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with app.app_context():
        user = make_user(Role.BUYER, email="old@example.org")
        user.password_hash = weak
        db.session.commit()
    assert log_in(client, "old@example.org").status_code == 302
    with app.app_context():
        stored = db.session.scalars(
            sa.select(User.password_hash).where(User.email == "old@example.org")
        ).one()
        assert stored != weak
        assert not needs_rehash(stored)


def test_sixth_failed_login_in_a_minute_is_refused_with_retry_after(
    client: FlaskClient, buyer_email: str
) -> None:
    for _ in range(5):
        assert log_in(client, buyer_email, "wrong password!").status_code == 400
    response = log_in(client, buyer_email, "wrong password!")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in response.get_data(as_text=True)
    # Even the right password waits now.
    assert log_in(client, buyer_email).status_code == 429


def test_failures_elsewhere_do_not_lock_the_owner_out(app: Flask, buyer_email: str) -> None:
    """Limits key on the account and the network address together: five failures from one
    network lock that network out of this account, not the owner on another network."""
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.1"
    for _ in range(5):
        assert log_in(attacker, buyer_email, "wrong password!").status_code == 400
    assert log_in(attacker, buyer_email.upper(), "wrong password!").status_code == 429
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert log_in(owner, buyer_email).status_code == 302


def test_a_shared_venue_address_does_not_lock_out_a_crowd(app: Flask) -> None:
    """At a fair everyone shares one Wi-Fi address: visitors who each mistype once, then log in,
    all get in."""
    with app.app_context():
        emails = [make_user(Role.BUYER).email for _ in range(25)]
        db.session.commit()
    for email in emails:
        visitor = app.test_client()
        visitor.environ_base["REMOTE_ADDR"] = "192.0.2.44"
        assert log_in(visitor, email, "wrong password!").status_code == 400
        assert log_in(visitor, email).status_code == 302


def test_a_form_that_failed_validation_is_not_an_attempt(
    client: FlaskClient, buyer_email: str
) -> None:
    for _ in range(8):
        assert post_form(client, "/auth/login", {"email": buyer_email}).status_code == 400
    assert log_in(client, buyer_email).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failures from one network address across accounts hit a looser limit of their own
    (LOGIN_LIMIT_PER_ADDRESS, 100 per hour by default; 10 here to keep the test short)."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "10 per hour")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    codes = [
        log_in(client, f"guess{n}@example.org", "wrong password!").status_code for n in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429


def test_logout_ends_every_session_of_the_user(app: Flask, buyer_email: str) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, buyer_email)
    log_in(phone, buyer_email)
    cookie = laptop.get_cookie("session")
    assert cookie is not None

    response = post_form(laptop, "/auth/logout", page="/auth/settings")
    assert response.status_code == 302

    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert not is_logged_in(thief)


def test_logout_needs_post(client: FlaskClient, buyer_email: str) -> None:
    log_in(client, buyer_email)
    assert client.get("/auth/logout").status_code == 405
    assert is_logged_in(client)


def test_remember_me_cookie_is_set_only_when_asked_and_dies_with_logout(
    app: Flask, buyer_email: str
) -> None:
    plain = app.test_client()
    log_in(plain, buyer_email)
    assert plain.get_cookie("remember_token") is None

    browser = app.test_client()
    response = log_in(browser, buyer_email, remember=True)
    set_cookie = [h for h in response.headers.getlist("Set-Cookie") if "remember_token=" in h]
    assert set_cookie and "HttpOnly" in set_cookie[0] and "SameSite=Lax" in set_cookie[0]
    remembered = browser.get_cookie("remember_token")
    assert remembered is not None

    # The remember cookie alone opens a session while it is current...
    restored = app.test_client()
    restored.set_cookie("remember_token", remembered.value)
    assert is_logged_in(restored)

    post_form(browser, "/auth/logout", page="/auth/settings")
    # ...and not after logout.
    copy = app.test_client()
    copy.set_cookie("remember_token", remembered.value)
    assert not is_logged_in(copy)


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, buyer_email: str) -> None:
    response = log_in(client, buyer_email)
    [session_cookie] = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")
    ]
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_next_redirect_stays_on_the_site(app: Flask, buyer_email: str) -> None:
    client = app.test_client()
    response = client.get("/auth/settings")
    assert response.status_code == 302
    login_page = response.headers["Location"]
    assert login_page == "/auth/login?next=%2Fauth%2Fsettings"
    # The login form posts back to the same address, `next` included.
    assert 'action="/auth/login?next=/auth/settings"' in client.get(login_page).get_data(
        as_text=True
    )
    response = post_form(client, login_page, {"email": buyer_email, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/settings"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil", "///evil.example", "javascript:x"],
)
def test_next_redirect_ignores_other_sites(app: Flask, buyer_email: str, target: str) -> None:
    response = log_in(app.test_client(), buyer_email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logged_in_person_opening_login_goes_home(client: FlaskClient, buyer_email: str) -> None:
    log_in(client, buyer_email)
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
