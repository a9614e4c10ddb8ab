"""Who may call the private operations: a bearer token and nothing else, of the operation's
role, a write token for a write, within its budget; a revoked or expired token, or one of an
account that is suspended or deleted, is refused with 401 and `WWW-Authenticate: Bearer`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.db import db, utcnow
from marketplace.tokens.models import ApiToken
from marketplace.tokens.services import digest_of, revoke_token
from tests.api.helpers import ERROR_KEYS, PROBLEM_KEYS
from tests.api.tokens import (
    STAFF,
    TokenWorld,
    bearer,
    body,
    build_token_world,
    path,
    send,
    snapshot,
    token_rules,
)
from tests.conftest import csrf_token

PRODUCTS = "/api/v1/my/products"


@pytest.fixture
def world(app: Flask) -> TokenWorld:
    with app.app_context():
        return build_token_world()


def _error(response: Any, status: int) -> dict[str, Any]:
    """A problem (application/problem+json), with the first shape of errors inside."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status
    error: dict[str, Any] = body["error"]
    assert set(error) == ERROR_KEYS and error["code"] == status
    return error


def _token_row(secret: str) -> ApiToken:
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.digest == digest_of(secret))).one()


def test_a_request_without_a_token_is_401_with_the_bearer_challenge(
    client: FlaskClient, world: TokenWorld
) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}):
        response = client.get(PRODUCTS, headers=headers)
        _error(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer realm=api"


@pytest.mark.parametrize(
    "secret",
    ["bem_" + "A" * 43, "not-a-token", "bem_short", "bem_" + "A" * 42 + "\u00e9", "x" * 5000],
)
def test_an_unknown_token_is_401_invalid_token(
    client: FlaskClient, world: TokenWorld, secret: str
) -> None:
    response = client.get(PRODUCTS, headers=bearer(secret))
    _error(response, 401)
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_cookie_session_alone_reaches_no_private_operation(app: Flask, world: TokenWorld) -> None:
    """The pages' session does not authenticate the API, reads or writes (so no CSRF token is
    needed there): a signed-in owner's browser posting to the API changes nothing."""
    browser = app.test_client(user=world.a.user)
    token = csrf_token(browser, "/auth/settings")
    with app.app_context():
        before = snapshot()
    assert browser.get(PRODUCTS).status_code == 401
    response = browser.post(PRODUCTS, json={"name": "Lamp"}, headers={"X-CSRFToken": token})
    _error(response, 401)
    response = browser.post(PRODUCTS, data={"name": "Lamp", "csrf_token": token})
    _error(response, 401)
    with app.app_context():
        assert snapshot() == before


def test_a_token_works_without_a_csrf_token_and_marks_its_last_use_once_a_minute(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    with app.app_context():
        assert _token_row(world.a.token).last_used_at is None
    response = client.post(PRODUCTS, json={"name": "Bamboo lamp"}, headers=bearer(world.a.token))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert "Authorization" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers  # a program keeps no session
    with app.app_context():
        first = _token_row(world.a.token).last_used_at
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    assert client.get(PRODUCTS, headers=bearer(world.a.token)).status_code == 200
    with app.app_context():
        assert _token_row(world.a.token).last_used_at == first
        # A minute later, a read marks it again (a GET's side record: `page_writes`).
        row = _token_row(world.a.token)
        row.last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    assert client.get(PRODUCTS, headers=bearer(world.a.token)).status_code == 200
    with app.app_context():
        later = _token_row(world.a.token).last_used_at
    assert later is not None and later > first - timedelta(minutes=1)


def _every_operation_answers(
    app: Flask, client: FlaskClient, world: TokenWorld, secret: str, status: int
) -> None:
    with app.app_context():
        before = snapshot()
    failures = []
    for rule, method in token_rules(app):
        side = world.a
        url = path(rule, {**world.officer.ids, **world.x.ids, **side.ids})
        response = send(client, method, url, secret, rule.endpoint, body(rule.endpoint, side, side))
        if response.status_code != status:
            failures.append(f"{method} {url}: {response.status_code}")
        elif status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert snapshot() == before


def test_a_revoked_token_gets_401_everywhere(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    with app.app_context():
        row = _token_row(world.a.token)
        revoke_token(row, db.session.get_one(User, world.a.user.id))
        db.session.commit()
    _every_operation_answers(app, client, world, world.a.token, 401)
    assert (
        "revoked"
        in client.get(PRODUCTS, headers=bearer(world.a.token)).get_json()["error"]["detail"]
    )


def test_an_expired_token_gets_401_everywhere(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    with app.app_context():
        _token_row(world.a.token).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    _every_operation_answers(app, client, world, world.a.token, 401)
    assert (
        "expired"
        in client.get(PRODUCTS, headers=bearer(world.a.token)).get_json()["error"]["detail"]
    )


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.DELETED])
def test_the_tokens_of_a_suspended_or_deleted_account_stop_working(
    app: Flask, client: FlaskClient, world: TokenWorld, status: UserStatus
) -> None:
    assert client.get(PRODUCTS, headers=bearer(world.a.token)).status_code == 200
    with app.app_context():
        db.session.get_one(User, world.a.user.id).status = status
        db.session.commit()
    _error(client.get(PRODUCTS, headers=bearer(world.a.token)), 401)
    _error(client.post(PRODUCTS, json={"name": "Lamp"}, headers=bearer(world.a.token)), 401)


def test_a_read_token_cannot_write_anything(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    """Every write operation of every role, with a read token of that role and the role's own
    records: 403, and nothing changes. Its reads work."""
    with app.app_context():
        before = snapshot()
    failures = []
    for rule, method in token_rules(app):
        blueprint = rule.endpoint.split(".")[0]
        side = {"api_owner": world.a, "api_buyer": world.x, "api_office": world.officer}[blueprint]
        url = path(rule, side.ids)
        response = send(
            client, method, url, side.read_token, rule.endpoint, body(rule.endpoint, side, side)
        )
        expected = 403 if method != "GET" else 200
        if response.status_code != expected:
            failures.append(f"{method} {url}: {response.status_code} (expected {expected})")
        elif expected == 403:
            assert "may only read" in response.get_json()["error"]["detail"]
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert snapshot() == before


def test_each_role_reaches_its_own_operations_only(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    """A buyer's token on the office's operations (and every other mix): 403, nothing changes;
    a coordinator has no operations at all."""
    from marketplace.tokens.services import TOKEN_ROLES

    with app.app_context():
        before = snapshot()
    failures = []
    for role in sorted(TOKEN_ROLES):
        side = world.side(role)
        for rule, method in token_rules(app):
            blueprint = rule.endpoint.split(".")[0]
            allowed = {"api_owner": {Role.MSME}, "api_buyer": {Role.BUYER}}.get(blueprint, STAFF)
            if role in allowed:
                continue
            url = path(rule, {**world.a.ids, **world.x.ids})
            response = send(client, method, url, side.token, rule.endpoint, None)
            if response.status_code != 403:
                failures.append(f"{role}: {method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert snapshot() == before


def test_requests_are_limited_per_token(
    app: Flask, client: FlaskClient, world: TokenWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get(PRODUCTS, headers=bearer(world.a.token)).status_code == 200
    limited = client.get(PRODUCTS, headers=bearer(world.a.token))
    _error(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    # Another token of the same person has a budget of its own; the public API is not touched.
    assert client.get(PRODUCTS, headers=bearer(world.a.read_token)).status_code == 200
    assert client.get("/api/v1/channels").status_code == 200
