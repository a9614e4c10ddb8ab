"""A buyer's token does through the API what the buyer's pages do, under the same rules: express
interest and converse, keep a shortlist, post a buying request, compare its quotes, pick one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import AuditEntry
from marketplace.notifications.models import Notification
from tests.api.tokens import TokenWorld, bearer, build_token_world

BUYER = "/api/v1/buyer"


@pytest.fixture
def world(app: Flask) -> TokenWorld:
    with app.app_context():
        return build_token_world()


class Buyer:
    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client, self.headers = client, bearer(secret)

    def call(self, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.open(BUYER + url, method=method, headers=self.headers, **kwargs)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:800])
        return response.get_json()


@pytest.fixture
def buyer(client: FlaskClient, world: TokenWorld) -> Buyer:
    return Buyer(client, world.y.token)


def test_an_interest_opens_a_conversation_the_business_is_told_of(
    app: Flask, buyer: Buyer, world: TokenWorld
) -> None:
    """Buyer Y asks A about A's product (Y had talked to B only)."""
    slug = world.a.values["published_slug"]
    terms = {
        "product": slug,
        "message": "Could you make 100 in blue?",
        "quantity": 100,
        "target_price": "25.50",
        "currency": "EUR",
        "incoterm": "FOB",
        "destination": "Seoul",
        "submission_key": "y-asks-a",
    }
    made = buyer.call("POST", "/interests", 201, json=terms)
    assert made["status"] == "new" and made["joined"] is False
    assert made["target_price"] == "25.50" and made["business"]["contact"] is None
    # The same key again: nothing new. Another interest in the product joins the conversation.
    assert buyer.call("POST", "/interests", 201, json=terms)["id"] == made["id"]
    joined = buyer.call("POST", "/interests", 201, json={"product": slug, "message": "And in red?"})
    assert joined["joined"] is True and joined["id"] == made["id"]
    assert joined["messages"][-1]["body"] == "And in red?"
    with app.app_context():
        told = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == world.a.user.id)
        ).all()
    assert told, "the owner is told of the new interest"

    listed = buyer.call("GET", "/interests")
    assert {item["id"] for item in listed["items"]} == {made["id"], world.y.ids["interest_id"]}
    written = buyer.call(
        "POST", f"/interests/{made['id']}/messages", 201, json={"body": "Samples?"}
    )
    assert written["messages"][-1]["sender"] == "buyer"
    withdrawn = buyer.call("POST", f"/interests/{made['id']}/withdraw")
    assert withdrawn["status"] == "withdrawn" and withdrawn["can_write"] is False
    buyer.call("POST", f"/interests/{made['id']}/messages", 422, json={"body": "Hello?"})
    # Only public products: a draft is not found, and a message is needed.
    buyer.call("POST", "/interests", 404, json={"product": "batik-sekar-draft", "message": "Hi"})
    buyer.call("POST", "/interests", 400, json={"product": slug})


def test_the_business_contact_shows_once_it_has_answered(
    client: FlaskClient, buyer: Buyer, world: TokenWorld
) -> None:
    interest_id = world.y.ids["interest_id"]
    assert buyer.call("GET", f"/interests/{interest_id}")["business"]["contact"] is None
    url = f"/api/v1/my/interests/{interest_id}/messages"
    answer = client.post(url, json={"body": "Hello!"}, headers=bearer(world.b.token))
    assert answer.status_code == 201
    contact = buyer.call("GET", f"/interests/{interest_id}")["business"]["contact"]
    assert contact["email"] == "hello@batik.example"


def test_the_shortlist_is_kept(buyer: Buyer, world: TokenWorld) -> None:
    slug = world.a.values["published_slug"]
    kept = buyer.call("POST", "/shortlist", 201, json={"product": slug})
    assert [item["slug"] for item in kept["items"]] == [slug, world.y.ids["slug"]]
    assert kept["items"][0]["available"] is True
    assert len(buyer.call("POST", "/shortlist", 201, json={"product": slug})["items"]) == 2
    left = buyer.call("DELETE", f"/shortlist/{slug}")
    assert [item["slug"] for item in left["items"]] == [world.y.ids["slug"]]
    buyer.call("DELETE", "/shortlist/no-such-product", 404)
    buyer.call("POST", "/shortlist", 404, json={"product": "batik-sekar-draft"})


def test_a_request_is_posted_its_quotes_compared_and_one_picked(
    app: Flask, client: FlaskClient, buyer: Buyer, world: TokenWorld
) -> None:
    request = {
        "title": "Rattan chairs",
        "details": "Stackable, natural colour.",
        "subsector": "kriya",
        "quantity": 100,
        "unit": "piece",
        "currency": "KRW",
        "destination": "Seoul",
        "deadline": "2099-01-01",
        "submission_key": "chairs",
    }
    refused = buyer.call("POST", "/requests", 422, json=request)
    assert "deadline" in refused["error"]["detail"]
    request["deadline"] = (date.today() + timedelta(days=10)).isoformat()
    posted = buyer.call("POST", "/requests", 201, json=request)
    assert posted["status"] == "open" and posted["recipients"] == 1 and posted["quotes"] == []
    assert buyer.call("POST", "/requests", 201, json=request)["id"] == posted["id"]
    # B quotes; Y compares and picks.
    url = f"/api/v1/my/requests/{posted['id']}/quote"
    quote = {"product_id": world.b.values["published_id"], "unit_price_idr": 90_000}
    response = client.post(url, json={**quote, "lead_time_days": 14}, headers=bearer(world.b.token))
    assert response.status_code == 200, response.get_json()
    read = buyer.call("GET", f"/requests/{posted['id']}")
    assert read["quotes"][0]["total_idr"] == 9_000_000
    quote_id = read["quotes"][0]["id"]
    picked = buyer.call("POST", f"/requests/{posted['id']}/pick", json={"quote_id": quote_id})
    assert (
        picked["status"] == "replied" and picked["product"]["id"] == world.b.values["published_id"]
    )
    assert buyer.call("GET", f"/requests/{posted['id']}")["status"] == "awarded"
    with app.app_context():
        actions = set(
            db.session.scalars(
                sa.select(AuditEntry.action).where(
                    AuditEntry.subject_type == "buying_request",
                    AuditEntry.subject_id == posted["id"],
                )
            )
        )
    assert actions == {AuditAction.BUYING_REQUEST_POSTED.value, AuditAction.QUOTE_PICKED.value}
    # Withdrawing the other request.
    other = world.y.ids["request_id"]
    assert buyer.call("POST", f"/requests/{other}/withdraw")["status"] == "withdrawn"
    buyer.call("POST", f"/requests/{other}/withdraw", 422)
    listed = buyer.call("GET", "/requests")["items"]
    assert {r["id"] for r in listed} == {posted["id"], other} and "quotes" not in listed[0]
