"""A conversation belongs to its buyer and the owner of the product's business (and the office
reads along): another buyer and another MSME owner get 404 on every route, for every step. An
MSME's contact details are for its owner, the office, and the buyers it has answered."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.db import db, utcnow
from marketplace.interests.access import may_see_contact
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.ledger.models import AbuseReport
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.factories import (
    make_business,
    make_buyer,
    make_interest,
    make_listing,
    make_product,
    make_user,
)
from tests.interests.helpers import count, express
from tests.test_route_guards import is_token_only

POST_BODIES: dict[str, list[dict[str, str]]] = {
    "conversations.post_message": [{"body": "Let me in"}],
    "conversations.change_status": [
        {"status": "replied"},
        {"status": "negotiating"},
        {"status": "won", "won_quantity": "1", "won_value": "1000"},
        {"status": "lost", "lost_reason": "No"},
    ],
    "conversations.withdraw": [{}],
    "conversations.report": [{"reason": "Spam"}],
}


def _interest_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every page route that takes an interest id (the API's, which
    take a token and no cookie, are walked in tests/api/test_tokens_ownership.py)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "interest_id" not in rule.arguments or is_token_only(rule.endpoint):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule.replace("<int:interest_id>", "{id}")))
    return routes


@pytest.fixture
def intruders(app: Flask) -> dict[str, Any]:
    with app.app_context():
        buyer, product = make_buyer(), make_listing()
        interest = express(buyer, product, "Private question")
        other_buyer = make_buyer("Another Importer")
        other_owner = make_listing("Another product").business.owner
        lonely_owner = make_user(Role.MSME)  # an owner without a business
        interest_id, buyer_id = interest.id, buyer.id
        commit_and_detach(other_buyer, other_owner, lonely_owner)
    return {
        "interest_id": interest_id,
        "buyer_id": buyer_id,
        "people": {
            "another buyer": other_buyer,
            "another owner": other_owner,
            "an owner without business": lonely_owner,
        },
    }


def test_every_conversation_route_is_walked(app: Flask) -> None:
    walked = {endpoint for endpoint, _method, _path in _interest_routes(app)}
    assert walked == {"interests.thread", *POST_BODIES}


@pytest.mark.parametrize("who", ["another buyer", "another owner", "an owner without business"])
def test_outsiders_get_404_on_every_route(
    app: Flask, login_as: Any, intruders: dict[str, Any], who: str
) -> None:
    client = login_as(intruders["people"][who])
    token = csrf_token(client, "/")
    for interest_id in (intruders["interest_id"], 999_999):
        for endpoint, method, path in _interest_routes(app):
            url = path.format(id=interest_id)
            if method == "GET":
                assert client.get(url).status_code == 404, (who, url)
                continue
            for body in POST_BODIES[endpoint]:
                response = client.post(url, data={**body, "csrf_token": token})
                assert response.status_code == 404, (who, url, body)
    assert client.get(f"/buyers/{intruders['buyer_id']}").status_code == 404
    with app.app_context():
        interest = db.session.get_one(Interest, intruders["interest_id"])
        assert interest.status == InterestStatus.NEW
        assert interest.owner_read_at is None
        assert count(Message) == 0 and count(AbuseReport) == 0
    listing = client.get("/interests").get_data(as_text=True)
    assert "Private question" not in listing and "Harz Handel" not in listing


def test_anonymous_visitors_are_sent_to_log_in(
    app: Flask, client: Any, intruders: dict[str, Any]
) -> None:
    token = csrf_token(client, "/")
    for _endpoint, method, path in _interest_routes(app):
        url = path.format(id=intruders["interest_id"])
        response = (
            client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        )
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_the_buyer_profile_is_for_the_businesses_the_buyer_contacted(
    app: Flask, login_as: Any, intruders: dict[str, Any]
) -> None:
    with app.app_context():
        interest = db.session.get_one(Interest, intruders["interest_id"])
        owner = interest.product.business.owner
        buyer = interest.buyer
        officer = make_user(Role.OFFICER)
        commit_and_detach(owner, buyer, officer)
    url = f"/buyers/{intruders['buyer_id']}"
    for reader in (owner, officer, buyer):
        page = login_as(reader).get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Harz Handel GmbH" in html and "Retailer" in html and "Germany" in html
    assert login_as(owner).get("/buyers/999999").status_code == 404


def test_contact_details_are_for_owner_staff_and_answered_buyers(ctx: Flask) -> None:
    business = make_business()
    product = make_product(business)
    other_business = make_business(name="Other")
    other_product = make_product(other_business, name="Other scarf")
    buyer, answered, elsewhere = (make_user(Role.BUYER) for _ in range(3))
    make_interest(buyer, product)  # not answered yet
    make_interest(answered, product, first_reply_at=utcnow())
    make_interest(elsewhere, other_product, first_reply_at=utcnow())
    db.session.flush()
    assert may_see_contact(business, business.owner)
    assert may_see_contact(business, make_user(Role.OFFICER))
    assert may_see_contact(business, make_user(Role.ADMIN))
    assert may_see_contact(business, answered)
    assert not may_see_contact(business, None)
    assert not may_see_contact(business, buyer)
    assert not may_see_contact(business, elsewhere)
    assert not may_see_contact(business, other_business.owner)
