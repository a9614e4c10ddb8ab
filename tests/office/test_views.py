"""The office's minimal review pages: verify or reject businesses, approve or reject products."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.office.models import AuditEntry
from marketplace.products.models import Product, ProductStatus
from tests.businesses.helpers import commit_and_detach, make_business, make_product
from tests.conftest import post_form
from tests.factories import make_user


@pytest.fixture
def officer(app: Flask) -> User:
    with app.app_context():
        user = make_user(Role.OFFICER)
        commit_and_detach(user)
    return user


def status_of(app: Flask, model: Any, object_id: int) -> tuple[Any, str | None]:
    with app.app_context():
        row = db.session.get_one(model, object_id)
        return row.status, row.status_reason


def test_office_lists_what_waits_for_a_decision(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        waiting = make_business(name="Waiting Weavers", status=BusinessStatus.PENDING)
        make_business(name="Draft Dyers", status=BusinessStatus.DRAFT)
        make_product(waiting, name="Songket runner", status=ProductStatus.PENDING_REVIEW)
        make_product(waiting, name="Draft runner", status=ProductStatus.DRAFT)
        db.session.commit()
    html = login_as(officer).get("/office/").get_data(as_text=True)
    assert "Waiting Weavers" in html and "Songket runner" in html
    assert "Draft Dyers" not in html and "Draft runner" not in html


def test_officer_verifies_a_business(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        business_id = make_business(status=BusinessStatus.PENDING).id
        db.session.commit()
    client = login_as(officer)
    page = client.get(f"/office/businesses/{business_id}").get_data(as_text=True)
    assert "9120001234567" in page and "hello@batik.example" in page  # everything is visible
    response = post_form(
        client, f"/office/businesses/{business_id}/verify", page=f"/office/businesses/{business_id}"
    )
    assert response.status_code == 302
    assert status_of(app, Business, business_id) == (BusinessStatus.VERIFIED, None)
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "business.verified")
        )
        assert entry is not None and entry.actor_id == officer.id


def test_rejecting_needs_a_reason_the_owner_then_sees(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.PENDING)
        business_id, owner = business.id, business.owner
        commit_and_detach(owner)
    client = login_as(officer)
    page = f"/office/businesses/{business_id}"
    response = post_form(client, f"{page}/reject", {"reason": "  "}, page=page)
    assert "Please give the reason." in response.get_data(as_text=True)
    assert status_of(app, Business, business_id)[0] == BusinessStatus.PENDING
    post_form(client, f"{page}/reject", {"reason": "The NIB is not in OSS."}, page=page)
    assert status_of(app, Business, business_id) == (
        BusinessStatus.REJECTED,
        "The NIB is not in OSS.",
    )
    assert "The NIB is not in OSS." in login_as(owner).get("/my/business").get_data(as_text=True)


def test_deciding_twice_is_refused_with_a_message(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        business_id = make_business(status=BusinessStatus.VERIFIED).id
        db.session.commit()
    response = post_form(
        login_as(officer),
        f"/office/businesses/{business_id}/verify",
        page="/office/",
        follow_redirects=True,
    )
    assert "Only a business waiting for verification can be verified." in response.get_data(
        as_text=True
    )


def test_officer_approves_a_product_and_it_goes_public(
    app: Flask, client: Any, login_as: Any, officer: User
) -> None:
    with app.app_context():
        product = make_product(make_business(), status=ProductStatus.PENDING_REVIEW)
        product_id, slug = product.id, product.slug
        db.session.commit()
    assert client.get(f"/products/{slug}").status_code == 404
    page = f"/office/products/{product_id}"
    html = login_as(officer).get(page).get_data(as_text=True)
    assert "Batik silk scarf" in html and "HS 621410" in html
    post_form(login_as(officer), f"{page}/approve", page=page)
    with app.app_context():
        approved = db.session.get_one(Product, product_id)
        assert approved.status == ProductStatus.PUBLISHED
        assert approved.approved_snapshot is not None
    assert client.get(f"/products/{slug}").status_code == 200


def test_officer_rejects_a_product_with_a_reason(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        product_id = make_product(make_business(), status=ProductStatus.PUBLISHED).id
        db.session.commit()
    page = f"/office/products/{product_id}"
    client = login_as(officer)
    response = post_form(client, f"{page}/reject", {"reason": ""}, page=page)
    assert "Please give the reason." in response.get_data(as_text=True)
    post_form(client, f"{page}/reject", {"reason": "Counterfeit motif."}, page=page)
    assert status_of(app, Product, product_id) == (ProductStatus.REJECTED, "Counterfeit motif.")


def test_office_sees_what_changed_since_approval(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        product = make_product(make_business())
        product.name = "Batik silk scarf, indigo"
        product.status = ProductStatus.PENDING_REVIEW
        product_id = product.id
        db.session.commit()
    html = login_as(officer).get(f"/office/products/{product_id}").get_data(as_text=True)
    assert "Changed since it was approved" in html
    assert "<td>Batik silk scarf</td><td>Batik silk scarf, indigo</td>" in html


def test_admins_may_use_the_office_and_visitors_must_log_in(
    app: Flask, client: Any, login_as: Any
) -> None:
    with app.app_context():
        admin = make_user(Role.ADMIN)
        commit_and_detach(admin)
    assert login_as(admin).get("/office/").status_code == 200
    response = client.get("/office/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_unknown_ids_are_404(login_as: Any, officer: User) -> None:
    client = login_as(officer)
    for url in ("/office/businesses/999", "/office/products/999", "/office/certifications/9/scan"):
        assert client.get(url).status_code == 404, url
