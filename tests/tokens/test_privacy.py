"""A buyer's tokens are part of their data (names and dates, never a secret) and go with the
account when they delete it."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.tokens.models import ApiToken
from tests.api.tokens import bearer, make_token
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import PASSWORD, make_buyer


def test_a_buyers_tokens_are_in_their_data_and_go_with_the_account(
    app: Flask, login_as: Any, storefront: None
) -> None:
    with app.app_context():
        buyer = make_buyer()
        secret = make_token(buyer)
        digest = db.session.scalars(sa.select(ApiToken.digest)).one()
        commit_and_detach(buyer)
    client = login_as(buyer)
    data = client.get("/my/data.json").get_data(as_text=True)
    [token] = json.loads(data)["api_tokens"]
    assert token["name"] == "Test" and token["scope"] == "write" and token["revoked_at"] is None
    assert secret not in data and digest not in data and secret[:12] not in data

    api = app.test_client()
    assert api.get("/api/v1/buyer/interests", headers=bearer(secret)).status_code == 200
    done = post_form(client, "/my/data/delete", {"confirmation": PASSWORD}, page="/my/data")
    assert done.status_code == 302
    assert api.get("/api/v1/buyer/interests", headers=bearer(secret)).status_code == 401
    with app.app_context():
        assert db.session.scalars(sa.select(ApiToken)).all() == []
