"""An MSME owner's token does through the API what the owner's pages do, under the same rules and
with the same audit entries: the profile, a draft from creation to review (photos uploaded
through the same checks), nominations, conversations and quotes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.ledger.audit import AuditAction
from marketplace.ledger.models import AuditEntry
from marketplace.media.backend import current_storage
from marketplace.media.images import ORIGINAL, image_key
from marketplace.products.models import Product, ProductImage
from tests.api.tokens import TokenWorld, bearer, build_token_world, photo_upload
from tests.factories import little_bandung
from tests.products.images import jpeg, text_file

MY = "/api/v1/my"


@pytest.fixture
def world(app: Flask) -> TokenWorld:
    with app.app_context():
        return build_token_world()


class Owner:
    def __init__(self, client: FlaskClient, world: TokenWorld) -> None:
        self.client, self.world = client, world
        self.headers = bearer(world.a.token)

    def call(self, method: str, url: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.open(MY + url, method=method, headers=self.headers, **kwargs)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:800])
        return response.get_json()


@pytest.fixture
def owner(client: FlaskClient, world: TokenWorld) -> Owner:
    return Owner(client, world)


def _actions(subject_type: str, subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


def test_the_profile_is_read_and_edited_as_on_its_page(
    app: Flask, owner: Owner, world: TokenWorld
) -> None:
    business = owner.call("GET", "/business")
    assert business["id"] == world.a.ids["business_id"] and business["status"] == "verified"
    assert business["missing_for_verification"] == []
    changed = owner.call(
        "PATCH",
        "/business",
        json={
            "description": "Hand-drawn batik, since 1998.",
            "employees": 12,
            "translations": {"id": {"description": "Batik tulis sejak 1998."}},
        },
    )
    assert changed["description"] == "Hand-drawn batik, since 1998."
    assert changed["translations"]["id"]["description"] == "Batik tulis sejak 1998."
    # A verified business's new name waits for the office; the verified one stays meanwhile.
    waiting = owner.call("PATCH", "/business", json={"name": "Batik Sekar Baru"})
    assert waiting["name"] == "Batik Sekar"
    assert waiting["identity_change"]["name"] == "Batik Sekar Baru"
    # Another edit keeps the change waiting (the page edits the identity asked for).
    again = owner.call("PATCH", "/business", json={"employees": 13})
    assert again["identity_change"]["name"] == "Batik Sekar Baru"
    with app.app_context():
        actions = _actions("business", business["id"])
    assert actions.count(AuditAction.BUSINESS_UPDATED.value) == 2
    assert AuditAction.BUSINESS_IDENTITY_REQUESTED.value in actions
    # The page's rules: only web addresses, real e-mail addresses, a year not in the future.
    for bad in (
        {"website": "javascript:alert(1)"},
        {"contact_email": "not an address"},
        {"year_founded": 2999},
        {"colour": "red"},
        {"description": "a\x00b"},
    ):
        owner.call("PATCH", "/business", 400, json=bad)
    owner.call("PATCH", "/business", 422, json={"district": "Atlantis"})


def test_a_draft_goes_from_creation_to_review(app: Flask, owner: Owner, world: TokenWorld) -> None:
    created = owner.call(
        "POST",
        "/products",
        201,
        json={"name": "Bamboo lamp", "unit": "piece", "submission_key": "lamp-1"},
    )
    assert created["status"] == "draft" and "at least one photo" in created["missing_for_review"]
    # The same key again: the same draft.
    again = owner.call(
        "POST", "/products", 201, json={"name": "Bamboo lamp", "submission_key": "lamp-1"}
    )
    assert again["id"] == created["id"]
    product_id = created["id"]
    # Incomplete: refused in the service's words, nothing changes.
    refused = owner.call("POST", f"/products/{product_id}/submit", 422)
    assert "Please complete" in refused["error"]["detail"]

    uploaded = owner.call(
        "POST",
        f"/products/{product_id}/photos",
        201,
        **photo_upload((jpeg((1600, 1200), seed=5), "lamp.jpg"), (text_file(), "notes.jpg")),
    )
    assert len(uploaded["added"]) == 1 and len(uploaded["photos"]) == 1
    assert uploaded["refused"][0]["file"] == "notes.jpg"
    with app.app_context():
        image = db.session.scalars(
            sa.select(ProductImage).where(ProductImage.product_id == product_id)
        ).one()
        assert current_storage().exists(image_key(image.digest, ORIGINAL))
    assert (image.width, image.height) == (1600, 1200)

    edited = owner.call(
        "PATCH",
        f"/products/{product_id}",
        json={
            "description": "A lamp of woven bamboo.",
            "subsector": "kriya",
            "hs_code": "940540",
            "price_idr": 350_000,
            "moq": 10,
            "lead_time_days": 30,
            "translations": {"id": {"name": "Lampu bambu", "description": "Lampu anyaman."}},
        },
    )
    assert edited["missing_for_review"] == [] and edited["name"] == "Bamboo lamp"
    submitted = owner.call("POST", f"/products/{product_id}/submit")
    assert submitted["status"] == "pending_review"
    with app.app_context():
        assert _actions("product", product_id) == [
            AuditAction.PRODUCT_CREATED.value,
            AuditAction.PRODUCT_SUBMITTED.value,
        ]
    # The form's limits hold: no price of zero, no certificate of another business.
    owner.call("PATCH", f"/products/{product_id}", 400, json={"price_idr": 0})
    owner.call("PATCH", f"/products/{product_id}", 422, json={"certification_ids": [999]})


def test_photos_are_deleted_and_products_archived(
    app: Flask, owner: Owner, world: TokenWorld
) -> None:
    draft = world.a.ids["product_id"]
    image_id = world.a.ids["image_id"]
    left = owner.call("DELETE", f"/products/{draft}/photos/{image_id}")
    assert image_id not in {photo["id"] for photo in left["photos"]}
    published = world.a.values["published_id"]
    assert owner.call("POST", f"/products/{published}/archive")["status"] == "archived"
    owner.call("POST", f"/products/{published}/archive", 422)
    with app.app_context():
        assert db.session.get_one(Product, published).published_at is not None


def test_nominations_are_made_listed_and_withdrawn(
    app: Flask, owner: Owner, world: TokenWorld
) -> None:
    with app.app_context():
        little_bandung(capacity=5)
        db.session.commit()
    published = world.a.values["published_id"]
    made = owner.call(
        "POST",
        "/nominations",
        201,
        json={"product_id": published, "channel": "little-bandung", "note": "Our best seller."},
    )
    assert made["status"] == "nominated" and made["can_withdraw"]
    listed = owner.call("GET", "/nominations")["items"]
    assert {n["id"] for n in listed} == {made["id"], world.a.ids["nomination_id"]}
    # Twice to one channel: the service's rule.
    owner.call(
        "POST", "/nominations", 422, json={"product_id": published, "channel": "little-bandung"}
    )
    owner.call("POST", "/nominations", 404, json={"product_id": published, "channel": "nowhere"})
    withdrawn = owner.call("POST", f"/nominations/{made['id']}/withdraw")
    assert withdrawn["status"] == "withdrawn"
    with app.app_context():
        assert _actions("nomination", made["id"]) == [
            AuditAction.NOMINATION_CREATE.value,
            AuditAction.NOMINATION_WITHDRAW.value,
        ]


def test_conversations_are_answered_and_moved_on(
    app: Flask, owner: Owner, world: TokenWorld
) -> None:
    interest_id = world.a.ids["interest_id"]
    inbox = owner.call("GET", "/interests")
    assert inbox["count"] == 1 and inbox["items"][0]["unread"] is True
    assert inbox["items"][0]["buyer"]["company"] == "Harz Handel GmbH"
    thread = owner.call("GET", f"/interests/{interest_id}")
    assert thread["next_steps"] == ["replied", "lost"]
    answered = owner.call(
        "POST", f"/interests/{interest_id}/messages", 201, json={"body": "Yes, 50 by March."}
    )
    assert answered["status"] == "replied"
    assert answered["messages"][-1] == {
        **answered["messages"][-1],
        "sender": "business",
        "body": "Yes, 50 by March.",
    }
    assert owner.call("GET", "/interests?status=replied")["count"] == 1
    assert owner.call("GET", "/interests?status=new")["count"] == 0
    moved = owner.call("POST", f"/interests/{interest_id}/status", json={"status": "negotiating"})
    assert moved["status"] == "negotiating"
    owner.call("POST", f"/interests/{interest_id}/status", 400, json={"status": "won"})
    won = owner.call(
        "POST",
        f"/interests/{interest_id}/status",
        json={"status": "won", "won_quantity": 50, "won_value": "22500000"},
    )
    assert won["status"] == "won" and won["won_value_idr"] == 22_500_000
    with app.app_context():
        assert _actions("interest", interest_id) == [
            AuditAction.INTEREST_REPLIED.value,
            AuditAction.INTEREST_NEGOTIATING.value,
            AuditAction.INTEREST_WON.value,
        ]
        assert db.session.get_one(Interest, interest_id).status == InterestStatus.WON
    # A won deal is closed: it moves no further.
    owner.call("POST", f"/interests/{interest_id}/status", 422, json={"status": "negotiating"})


def test_requests_sent_to_the_business_are_read_and_quoted(
    app: Flask, owner: Owner, world: TokenWorld
) -> None:
    request_id = world.a.ids["request_id"]
    listed = owner.call("GET", "/requests")["items"]
    assert [r["id"] for r in listed] == [request_id]
    assert listed[0]["quotes"][0]["unit_price_idr"] == 450_000
    read = owner.call("GET", f"/requests/{request_id}")
    assert read["suggested_product_id"] == world.a.values["published_id"]
    assert read["takes_quotes"] is True and "recipients" in read
    quoted = owner.call(
        "POST",
        f"/requests/{request_id}/quote",
        json={
            "product_id": world.a.values["published_id"],
            "unit_price_idr": 420_000,
            "lead_time_days": 25,
            "moq": 40,
            "message": "A better price for 200.",
        },
    )
    assert quoted["quotes"][0]["unit_price_idr"] == 420_000
    with app.app_context():
        assert _actions("quote", quoted["quotes"][0]["id"]) == [
            AuditAction.QUOTE_SUBMITTED.value,
            AuditAction.QUOTE_CHANGED.value,
        ]
