"""The token page (/auth/tokens) through the HTTP stack: a token is created, its secret shown
once, listed without it afterwards, used on the API, and revoked."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import AuditEntry
from marketplace.tokens.models import ApiToken, TokenScope
from marketplace.tokens.services import MAX_ACTIVE, digest_of
from tests.api.tokens import bearer, make_token
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.factories import make_business, make_user

PAGE = "/auth/tokens/"
SECRET = re.compile(r'value="(bem_[A-Za-z0-9_-]{43})"')
KEY = re.compile(r'name="submission_key"[^>]*value="([^"]+)"')


@pytest.fixture
def owner(app: Flask, storefront: None) -> User:
    with app.app_context():
        business = make_business()
        owner = business.owner
        commit_and_detach(owner)
    return owner


def _create(client: FlaskClient, **fields: str) -> Any:
    page = client.get(PAGE).get_data(as_text=True)
    key = KEY.search(page)
    assert key is not None
    data = {"name": "Shop system", "scope": "write", "expires": "90", "submission_key": key[1]}
    data.update(fields)
    data["csrf_token"] = csrf_token(client, PAGE)
    return client.post(PAGE, data=data)


def _tokens(app: Flask) -> list[ApiToken]:
    with app.app_context():
        found = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()
        db.session.expunge_all()
        return list(found)


def test_a_token_is_created_shown_once_listed_used_and_revoked(
    app: Flask, login_as: Any, owner: User
) -> None:
    browser = login_as(owner)
    settings = browser.get("/auth/settings").get_data(as_text=True)
    assert 'href="/auth/tokens/"' in settings

    response = _create(browser)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = SECRET.search(page)
    assert secret is not None and "shown only this once" in page
    token = secret[1]
    [row] = _tokens(app)
    assert row.digest == digest_of(token) and token not in repr(vars(row))
    assert row.prefix == token[:12] and row.scope == TokenScope.WRITE
    assert (row.expires_at - row.created_at).days == 90

    # Listed afterwards, without the secret.
    listed = browser.get(PAGE).get_data(as_text=True)
    assert "Shop system" in listed and f"{row.prefix}…" in listed and token not in listed

    # It works on the API, without any cookie.
    api = app.test_client()
    assert api.get("/api/v1/my/products", headers=bearer(token)).status_code == 200

    # Revoked: gone from the list, refused by the API.
    revoke = browser.post(
        f"/auth/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(browser, PAGE)}
    )
    assert revoke.status_code == 302
    after = browser.get(PAGE).get_data(as_text=True)
    assert "is revoked" in after and "Shop system" not in after.split("Your tokens")[1]
    assert api.get("/api/v1/my/products", headers=bearer(token)).status_code == 401
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == "api_token", AuditEntry.subject_id == row.id)
            .order_by(AuditEntry.id)
        ).all()
        assert actions == [AuditAction.API_TOKEN_CREATED.value, AuditAction.API_TOKEN_REVOKED.value]
        actor = db.session.scalars(
            sa.select(AuditEntry.actor_id).where(AuditEntry.subject_type == "api_token")
        ).all()
        assert set(actor) == {owner.id}


def test_the_same_form_twice_makes_one_token_and_shows_no_secret_again(
    app: Flask, login_as: Any, owner: User
) -> None:
    browser = login_as(owner)
    page = browser.get(PAGE).get_data(as_text=True)
    key = KEY.search(page)
    assert key is not None
    data = {"name": "Sheet", "scope": "read", "expires": "30", "submission_key": key[1]}
    first = browser.post(PAGE, data={**data, "csrf_token": csrf_token(browser, PAGE)})
    second = browser.post(PAGE, data={**data, "csrf_token": csrf_token(browser, PAGE)})
    assert SECRET.search(first.get_data(as_text=True))
    again = second.get_data(as_text=True)
    assert second.status_code == 200 and SECRET.search(again) is None
    assert "cannot be shown again" in again
    assert len(_tokens(app)) == 1


@pytest.mark.parametrize(
    "fields",
    [{"name": ""}, {"name": "x" * 81}, {"expires": "7"}, {"expires": ""}, {"scope": "admin"}],
)
def test_a_wrong_form_makes_no_token(
    app: Flask, login_as: Any, owner: User, fields: dict[str, str]
) -> None:
    response = _create(login_as(owner), **fields)
    assert response.status_code == 400
    assert SECRET.search(response.get_data(as_text=True)) is None
    assert _tokens(app) == []


def test_at_most_ten_active_tokens(app: Flask, login_as: Any, owner: User) -> None:
    with app.app_context():
        user = db.session.get_one(User, owner.id)
        for _ in range(MAX_ACTIVE):
            make_token(user)
        db.session.commit()
    response = _create(login_as(owner))
    assert response.status_code == 400
    assert "Revoke one you no longer use" in response.get_data(as_text=True)


def test_another_persons_token_cannot_be_revoked(app: Flask, login_as: Any, owner: User) -> None:
    with app.app_context():
        other = make_user(Role.BUYER)
        make_token(other)
        db.session.commit()
    [row] = _tokens(app)
    browser = login_as(owner)
    response = browser.post(
        f"/auth/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(browser, PAGE)}
    )
    assert response.status_code == 404
    assert _tokens(app)[0].revoked_at is None


def test_only_the_roles_with_operations_have_tokens(
    app: Flask, login_as: Any, client: FlaskClient, storefront: None
) -> None:
    with app.app_context():
        coordinator = make_user(Role.COORDINATOR)
        commit_and_detach(coordinator)
    browser = login_as(coordinator)
    assert browser.get(PAGE).status_code == 403
    assert "/auth/tokens/" not in browser.get("/auth/settings").get_data(as_text=True)
    assert client.get(PAGE).status_code == 302
