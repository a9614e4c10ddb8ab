"""Every owner route that takes an id refuses someone else's object with 404.

The routes are not listed by hand: they are read from the URL map, so a route added later is
walked too. Officers may look at everything through the office, but owner routes are not
theirs (403); anonymous visitors are sent to log in.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessCertification
from marketplace.db import db
from marketplace.products.models import Product, ProductImage, ProductStatus
from marketplace.stock.periods import period_before
from marketplace.stock.services import channel_today
from marketplace.stock.settlements import issue_statement
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.factories import (
    make_business,
    make_certification,
    make_channel,
    make_product,
    make_user,
)

OWNER_BLUEPRINTS = ("my_business", "my_products", "product_photos", "workspace")


def owner_rules(app: Flask) -> list[Rule]:
    return [
        rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in OWNER_BLUEPRINTS
    ]


def ids_of(rule: Rule) -> set[str]:
    """The rule's arguments taken from the URL (not those its defaults fix, as `fmt` of a
    download's .csv and .xlsx rules)."""
    return set(rule.arguments) - set(rule.defaults or ())


def url_of(rule: Rule, ids: dict[str, Any]) -> str:
    return rule.build({**(rule.defaults or {}), **{name: ids[name] for name in ids_of(rule)}})[1]


def rules_with_ids(app: Flask) -> list[Rule]:
    return [rule for rule in owner_rules(app) if ids_of(rule)]


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) & {"GET", "POST"})


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Owner A with a certification (with a scan key), a product, a photo and a settlement
    statement of a channel; owner B."""
    with app.app_context():
        a = make_business(name="Business A")
        certification = make_certification(
            a,
            "halal",
            scan_key="scans/ab/" + "a" * 64 + ".pdf",
            scan_content_type="application/pdf",
        )
        product = make_product(a, status=ProductStatus.DRAFT, photos=2)
        b = make_business(name="Business B")
        b_product = make_product(b, name="B's product", status=ProductStatus.DRAFT)
        officer = make_user(Role.OFFICER)
        channel = make_channel()
        start = period_before(channel, channel_today(channel))[0]
        settlement = issue_statement(channel, a, start, officer)
        ids = {
            "certification_id": certification.id,
            "product_id": product.id,
            "image_id": product.images[0].id,
            "settlement_id": settlement.id,
        }
        b_ids = {"product_id": b_product.id}
        owner_a, owner_b = a.owner, b.owner
        commit_and_detach(owner_a, owner_b, officer)
    return {"a": owner_a, "b": owner_b, "officer": officer, "ids": ids, "b_ids": b_ids}


def test_the_walk_covers_every_kind_of_owner_route(app: Flask) -> None:
    arguments = {arg for rule in rules_with_ids(app) for arg in ids_of(rule)}
    assert arguments == {"certification_id", "product_id", "image_id", "settlement_id"}
    assert len(rules_with_ids(app)) >= 14


def test_another_owner_gets_404_on_every_route_with_an_id(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    client = login_as(world["b"])
    token = csrf_token(client, "/my/business")
    walked = 0
    for rule in rules_with_ids(app):
        url = url_of(rule, world["ids"])
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url}"
            walked += 1
    assert walked >= 16
    with app.app_context():
        product = db.session.get_one(Product, world["ids"]["product_id"])
        assert product.status == ProductStatus.DRAFT
        assert len(product.images) == 2
        assert db.session.get(BusinessCertification, world["ids"]["certification_id"])


def test_own_product_with_someone_elses_photo_is_404(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    client = login_as(world["b"])
    token = csrf_token(client, "/my/business")
    own, foreign_image = world["b_ids"]["product_id"], world["ids"]["image_id"]
    for action in ("move", "cover", "alt", "delete"):
        url = f"/my/products/{own}/photos/{foreign_image}/{action}"
        response = client.post(url, data={"csrf_token": token, "direction": "up"})
        assert response.status_code == 404, url
    with app.app_context():
        assert db.session.get(ProductImage, foreign_image) is not None


def test_the_owner_reaches_every_get_route(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    """The same walk as the owner proves the 404s above come from ownership, not bad URLs."""
    client = login_as(world["a"])
    for rule in rules_with_ids(app):
        if "GET" not in methods(rule) or rule.endpoint.endswith("certification_scan"):
            continue  # the scan file itself is not on disk in this test
        url = url_of(rule, world["ids"])
        assert client.get(url).status_code == 200, url


def test_officers_get_403_on_owner_routes(app: Flask, login_as: Any, world: dict[str, Any]) -> None:
    client = login_as(world["officer"])
    token = csrf_token(client, "/")
    for rule in owner_rules(app):
        url = url_of(rule, world["ids"])
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, f"{method} {url}"


def test_buyers_get_403_and_visitors_are_sent_to_log_in(
    app: Flask, client: Any, login_as: Any, world: dict[str, Any]
) -> None:
    with app.app_context():
        buyer = make_user(Role.BUYER)
        commit_and_detach(buyer)
    as_buyer = login_as(buyer)
    for rule in owner_rules(app):
        url = url_of(rule, world["ids"])
        assert as_buyer.get(url).status_code in (403, 405), url
        if "GET" in methods(rule):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/auth/login")


def test_officer_pages_are_closed_to_owners(
    app: Flask, login_as: Any, world: dict[str, Any]
) -> None:
    client = login_as(world["a"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("office.") and "GET" in methods(rule):
            url = url_of(rule, dict.fromkeys(rule.arguments, 1))
            assert client.get(url).status_code == 403, url
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 2
