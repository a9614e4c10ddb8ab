"""An officer's or admin's token reads the office's queues and decides, with the `seen` of the
item as read: a decision on an item that changed since is refused (409) and changes nothing; a
decision made is audited and the owner told, as from the office's pages. Reports as figures."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import AuditEntry
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.products.models import ProductStatus
from tests.api.tokens import TokenWorld, bearer, build_token_world, snapshot
from tests.factories import make_business, make_product

OFFICE = "/api/v1/office"


@pytest.fixture
def world(app: Flask) -> TokenWorld:
    with app.app_context():
        return build_token_world()


@pytest.fixture
def waiting(app: Flask, world: TokenWorld) -> dict[str, int]:
    """A business waiting for verification and a product waiting for review."""
    with app.app_context():
        business = make_business(name="Kriya Menunggu", status=BusinessStatus.PENDING)
        product = make_product(
            db.session.get_one(type(business), world.a.ids["business_id"]),
            name="Clay vase",
            status=ProductStatus.PENDING_REVIEW,
        )
        ids = {"business_id": business.id, "owner_id": business.owner_id, "product_id": product.id}
        db.session.commit()
    return ids


class Officer:
    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client, self.headers = client, bearer(secret)

    def call(self, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.open(OFFICE + url, method=method, headers=self.headers, **kwargs)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:800])
        return response.get_json()


@pytest.fixture
def officer(client: FlaskClient, world: TokenWorld) -> Officer:
    return Officer(client, world.officer.token)


def test_a_buyers_token_reaches_no_office_operation(
    client: FlaskClient, world: TokenWorld, waiting: dict[str, int]
) -> None:
    for url in ("/queues/businesses", "/queues/products", "/queues/nominations", "/reports"):
        assert client.get(OFFICE + url, headers=bearer(world.x.token)).status_code == 403
    decision = {"decision": "verify", "seen": "x"}
    url = f"{OFFICE}/businesses/{waiting['business_id']}/decision"
    assert client.post(url, json=decision, headers=bearer(world.x.token)).status_code == 403


def test_a_business_is_verified_with_what_was_read(
    app: Flask, officer: Officer, world: TokenWorld, waiting: dict[str, int]
) -> None:
    queue = officer.call("GET", "/queues/businesses")["items"]
    item = next(i for i in queue if i["id"] == waiting["business_id"])
    read = officer.call("GET", f"/businesses/{item['id']}")
    assert read["seen"] == item["seen"] and read["owner"]["id"] == waiting["owner_id"]
    url = f"/businesses/{item['id']}/decision"
    with app.app_context():
        before = snapshot()
    stale = officer.call("POST", url, 409, json={"decision": "verify", "seen": "2020-01-01"})
    assert "changed after you opened it" in stale["error"]["detail"]
    officer.call("POST", url, 422, json={"decision": "reject", "reason": " ", "seen": read["seen"]})
    with app.app_context():
        assert snapshot() == before
    verified = officer.call("POST", url, json={"decision": "verify", "seen": read["seen"]})
    assert verified["status"] == "verified"
    # The same decision again, on the page as read before: another officer decided it.
    again = officer.call("POST", url, 409, json={"decision": "verify", "seen": read["seen"]})
    assert "Another officer already decided" in again["error"]["detail"]
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject_type == "business", AuditEntry.subject_id == item["id"]
            )
        ).one()
        assert (entry.action, entry.actor_id) == (
            AuditAction.BUSINESS_VERIFIED.value,
            world.officer.user.id,
        )
        owner = waiting["owner_id"]
        assert db.session.scalars(
            sa.select(Notification).where(Notification.user_id == owner)
        ).all()
        assert db.session.scalars(sa.select(OutboxEmail)).all()


def test_a_product_is_approved_unless_it_changed_since(
    client: FlaskClient, officer: Officer, world: TokenWorld, waiting: dict[str, int]
) -> None:
    product_id = waiting["product_id"]
    queue = officer.call("GET", "/queues/products")["items"]
    assert [i["id"] for i in queue] == [product_id]
    seen = officer.call("GET", f"/products/{product_id}")["seen"]
    # The owner edits it meanwhile: the officer's decision is refused.
    edit = client.patch(
        f"/api/v1/my/products/{product_id}",
        json={"description": "Now glazed."},
        headers=bearer(world.a.token),
    )
    assert edit.status_code == 200
    officer.call(
        "POST", f"/products/{product_id}/decision", 409, json={"decision": "approve", "seen": seen}
    )
    seen = officer.call("GET", f"/products/{product_id}")["seen"]
    approved = officer.call(
        "POST", f"/products/{product_id}/decision", json={"decision": "approve", "seen": seen}
    )
    assert approved["status"] == "published" and approved["page"]


def test_a_nomination_is_accepted_once(app: Flask, client: FlaskClient, world: TokenWorld) -> None:
    admin = Officer(client, world.admin.token)
    queue = admin.call("GET", "/queues/nominations")["items"]
    assert {i["id"] for i in queue} == {world.a.ids["nomination_id"], world.b.ids["nomination_id"]}
    item = next(i for i in queue if i["id"] == world.a.ids["nomination_id"])
    url = f"/nominations/{item['id']}/decision"
    admin.call("POST", url, 400, json={"decision": "accept", "seen": item["seen"]})
    accepted = admin.call(
        "POST",
        url,
        json={
            "decision": "accept",
            "reason": "Fits the fair.",
            "shelf_code": "B7",
            "seen": item["seen"],
        },
    )
    assert accepted["status"] == "accepted" and accepted["decision_reason"] == "Fits the fair."
    admin.call(
        "POST", url, 409, json={"decision": "decline", "reason": "No.", "seen": item["seen"]}
    )
    assert [i["id"] for i in admin.call("GET", "/queues/nominations")["items"]] == [
        world.b.ids["nomination_id"]
    ]


def test_reports_are_figures(officer: Officer) -> None:
    report = officer.call("GET", "/reports?by=channel&from=2026-01-01&to=2026-12-31")
    assert report["by"] == "channel" and report["from"] == "2026-01-01"
    assert report["total"]["label"] == "Total" and "interests" in report["total"]["figures"]
    assert {row["label"] for row in report["rows"]} >= {"Harz und Heide"}
    assert len(officer.call("GET", "/reports")["months"]) == 12
    officer.call("GET", "/reports?from=2026-05-01&to=2026-01-01", 400)
    officer.call("GET", "/reports?from=1900-01-01", 400)
    officer.call("GET", "/reports?by=planet", 400)
