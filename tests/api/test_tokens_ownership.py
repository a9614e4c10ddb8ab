"""A token reaches its person's own records only: MSME A's token walks every operation of the
owner's API with MSME B's ids, and buyer X's every operation of the buyer's API with buyer Y's:
each answers 404 and nothing in the database changes. Lists show one's own records only."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.tokens import (
    Side,
    TokenWorld,
    bearer,
    body,
    build_token_world,
    path,
    send,
    snapshot,
    token_rules,
)

# Operations whose path names no record of anyone: the shortlist's product is a product of the
# catalog, not a record of the buyer's (one not on the list is no error, and nothing changes).
NOT_A_RECORD = {"api_buyer.shortlist_remove"}


@pytest.fixture
def world(app: Flask) -> TokenWorld:
    with app.app_context():
        return build_token_world()


def _walk(app: Flask, client: FlaskClient, blueprint: str, me: Side, other: Side) -> list[str]:
    """Every operation with an id in its path, with the other side's ids (and, for a photo,
    my product with the other's photo too): the failures, if any."""
    failures = []
    for rule, method in token_rules(app, blueprint):
        if not rule.arguments:
            continue
        combos: list[dict[str, Any]] = [other.ids]
        if "image_id" in rule.arguments:
            combos.append({**other.ids, "product_id": me.ids["product_id"]})
        for ids in combos:
            url = path(rule, ids)
            json = body(rule.endpoint, me, other)
            response = send(client, method, url, me.token, rule.endpoint, json)
            expected = 200 if rule.endpoint in NOT_A_RECORD else 404
            if response.status_code != expected:
                failures.append(f"{method} {url}: {response.status_code}")
    return failures


def test_an_owners_token_reaches_nothing_of_another_owner(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    with app.app_context():
        before = snapshot()
    failures = _walk(app, client, "api_owner", world.a, world.b)
    # Ids in a body: nominating B's product, quoting with B's product.
    nominate = {"product_id": world.b.values["published_id"], "channel": "harz-und-heide"}
    response = client.post("/api/v1/my/nominations", json=nominate, headers=bearer(world.a.token))
    if response.status_code != 404:
        failures.append(f"nominating B's product: {response.status_code}")
    quote = {
        "product_id": world.b.values["published_id"],
        "unit_price_idr": 100_000,
        "lead_time_days": 10,
    }
    url = f"/api/v1/my/requests/{world.a.ids['request_id']}/quote"
    response = client.post(url, json=quote, headers=bearer(world.a.token))
    if response.status_code != 422:
        failures.append(f"quoting with B's product: {response.status_code}")
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert snapshot() == before


def test_a_buyers_token_reaches_nothing_of_another_buyer(
    app: Flask, client: FlaskClient, world: TokenWorld
) -> None:
    with app.app_context():
        before = snapshot()
    failures = _walk(app, client, "api_buyer", world.x, world.y)
    # Picking another buyer's quote for one's own request.
    url = f"/api/v1/buyer/requests/{world.x.ids['request_id']}/pick"
    response = client.post(
        url, json={"quote_id": world.y.values["quote_id"]}, headers=bearer(world.x.token)
    )
    if response.status_code != 404:
        failures.append(f"picking Y's quote: {response.status_code}")
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert snapshot() == before


def _ids(items: list[dict[str, Any]]) -> set[int]:
    return {item["id"] for item in items}


def test_lists_hold_ones_own_records_only(client: FlaskClient, world: TokenWorld) -> None:
    def get(url: str, side: Side) -> Any:
        response = client.get(url, headers=bearer(side.token))
        assert response.status_code == 200, (url, response.get_json())
        return response.get_json()

    for me, other in ((world.a, world.b), (world.b, world.a)):
        products = get("/api/v1/my/products", me)["items"]
        assert me.ids["product_id"] in _ids(products)
        assert not _ids(products) & {other.ids["product_id"], other.values["published_id"]}
        assert _ids(get("/api/v1/my/nominations", me)["items"]) == {me.ids["nomination_id"]}
        assert _ids(get("/api/v1/my/interests", me)["items"]) == {me.ids["interest_id"]}
        assert _ids(get("/api/v1/my/requests", me)["items"]) == {me.ids["request_id"]}
        assert get("/api/v1/my/business", me)["id"] == me.ids["business_id"]
    for me, other in ((world.x, world.y), (world.y, world.x)):
        assert _ids(get("/api/v1/buyer/interests", me)["items"]) == {me.ids["interest_id"]}
        assert _ids(get("/api/v1/buyer/requests", me)["items"]) == {me.ids["request_id"]}
        listed = {item["slug"] for item in get("/api/v1/buyer/shortlist", me)["items"]}
        assert other.ids["slug"] not in listed
