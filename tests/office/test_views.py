"""Reviewing one business or product: everything the owner entered is visible; verify, approve,
reject (always with a reason the owner then sees), suspend and reinstate."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.products.models import Product, ProductStatus
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_product, make_user
from tests.office.helpers import audit_actions, flashes, submit


def status_of(app: Flask, model: Any, object_id: int) -> tuple[Any, str | None]:
    with app.app_context():
        row = db.session.get_one(model, object_id)
        return row.status, row.status_reason


def test_officer_verifies_a_business(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.PENDING)
        business_id = business.id
        db.session.commit()
    client = login_as(officer)
    page = f"/office/businesses/{business_id}"
    html = client.get(page).get_data(as_text=True)
    assert "9120001234567" in html and "hello@batik.example" in html  # everything is visible
    response = submit(client, page, f"{page}/verify")
    assert response.status_code == 302
    assert status_of(app, Business, business_id) == (BusinessStatus.VERIFIED, None)
    assert audit_actions(app, "business", business_id)[-1] == ("business.verified", officer.id)


def test_rejecting_needs_a_reason_the_owner_then_sees(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.PENDING)
        business_id, owner = business.id, business.owner
        commit_and_detach(owner)
    client = login_as(officer)
    page = f"/office/businesses/{business_id}"
    response = submit(client, page, f"{page}/reject", {"reject-reason": "  "})
    assert response.status_code == 400
    assert "Please give the reason." in response.get_data(as_text=True)
    assert status_of(app, Business, business_id)[0] == BusinessStatus.PENDING
    submit(client, page, f"{page}/reject", {"reject-reason": "The NIB is not in OSS."})
    assert status_of(app, Business, business_id) == (
        BusinessStatus.REJECTED,
        "The NIB is not in OSS.",
    )
    assert "The NIB is not in OSS." in login_as(owner).get("/my/business").get_data(as_text=True)


def test_a_decision_the_status_does_not_allow_is_refused_with_a_message(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business_id = make_business(status=BusinessStatus.PENDING).id
        db.session.commit()
    client = login_as(officer)
    page = f"/office/businesses/{business_id}"
    html = client.get(page).get_data(as_text=True)
    with app.app_context():  # the owner withdraws... by an edit that puts it back to draft
        db.session.get_one(Business, business_id).status = BusinessStatus.DRAFT
        db.session.commit()
    from tests.office.helpers import submit_from

    response = submit_from(client, html, f"{page}/verify", follow_redirects=True)
    assert "This item changed after you opened it" in flashes(response)
    assert status_of(app, Business, business_id)[0] == BusinessStatus.DRAFT


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
    response = submit(login_as(officer), page, f"{page}/approve", follow_redirects=True)
    assert "Batik silk scarf is published." in flashes(response)
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
    response = submit(client, page, f"{page}/reject", {"reject-reason": ""})
    assert response.status_code == 400
    assert "Please give the reason." in response.get_data(as_text=True)
    assert status_of(app, Product, product_id)[0] == ProductStatus.PUBLISHED
    submit(client, page, f"{page}/reject", {"reject-reason": "Counterfeit motif."})
    assert status_of(app, Product, product_id) == (ProductStatus.REJECTED, "Counterfeit motif.")
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "product.rejected")
        ).one()
        assert (entry.actor_id, entry.reason) == (officer.id, "Counterfeit motif.")
        assert (entry.before, entry.after) == ({"status": "published"}, {"status": "rejected"})


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


def test_the_changes_name_the_form_fields_in_the_readers_language(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        product = make_product(make_business())
        product.name = "Batik silk scarf, indigo"
        product.price_idr = 500_000
        product.translations[0].name = "Selendang sutra batik, nila"
        product.images[0].alt_text = "Scarf folded on a table"
        product.status = ProductStatus.PENDING_REVIEW
        product_id = product.id
        db.session.commit()
    client = login_as(officer)
    html = client.get(f"/office/products/{product_id}").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>', html)
    assert rows == ["Name (English)", "Name (Bahasa Indonesia)", "Photo 1", "Price in rupiah (IDR)"]
    assert '<th scope="row">Price in rupiah (IDR)</th><td>450000</td><td>500000</td>' in html
    with app.app_context():
        db.session.get_one(User, officer.id).locale = "id"
        db.session.commit()
    html = client.get(f"/office/products/{product_id}").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>', html)
    assert rows == [
        "Nama (bahasa Inggris)",
        "Nama (Bahasa Indonesia)",
        "Foto 1",
        "Harga dalam rupiah (IDR)",
    ]


def test_the_history_reads_in_words(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        business_id = make_business(status=BusinessStatus.PENDING).id
        db.session.commit()
    client = login_as(officer)
    page = f"/office/businesses/{business_id}"
    submit(client, page, f"{page}/verify")
    html = client.get(page).get_data(as_text=True)
    assert "<td>Business verified" in html
    assert "(Waiting for verification → Verified)" in html
    assert "business.verified" not in html and "pending →" not in html


def test_suspending_a_business_hides_its_products_until_it_is_reinstated(
    app: Flask, client: Any, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business(name="Kriya Cibaduyut")
        product = make_product(business, name="Leather satchel")
        business_id, slug = business.id, product.slug
        db.session.commit()
    assert "Leather satchel" in client.get("/catalog").get_data(as_text=True)
    office = login_as(officer)
    page = f"/office/businesses/{business_id}"
    response = submit(office, page, f"{page}/suspend", {"suspend-reason": ""})
    assert response.status_code == 400 and "Please give the reason." in response.get_data(
        as_text=True
    )
    submit(office, page, f"{page}/suspend", {"suspend-reason": "Counterfeit goods reported."})
    assert status_of(app, Business, business_id) == (
        BusinessStatus.SUSPENDED,
        "Counterfeit goods reported.",
    )
    assert "Leather satchel" not in client.get("/catalog").get_data(as_text=True)
    assert client.get(f"/products/{slug}").status_code == 404
    response = submit(office, page, f"{page}/reinstate", {"reinstate-reason": ""})
    assert response.status_code == 400
    submit(office, page, f"{page}/reinstate", {"reinstate-reason": "Licence shown; cleared."})
    assert status_of(app, Business, business_id) == (BusinessStatus.VERIFIED, None)
    assert client.get(f"/products/{slug}").status_code == 200
    assert audit_actions(app, "business", business_id)[-2:] == [
        ("business.suspended", officer.id),
        ("business.reinstated", officer.id),
    ]
    with app.app_context():
        reinstated = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "business.reinstated")
        ).one()
        assert reinstated.reason == "Licence shown; cleared."


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
    for url in (
        "/office/businesses/999",
        "/office/products/999",
        "/office/certifications/9/scan",
        "/office/accounts/999",
        "/office/abuse/999",
        "/office/reports/partners/999/summary",
    ):
        assert client.get(url).status_code == 404, url


def test_office_pages_render_for_an_officer(login_as: Any, officer: User) -> None:
    client = login_as(officer)
    for url in (
        "/office/",
        "/office/queues/businesses",
        "/office/queues/products",
        "/office/queues/nominations",
        "/office/queues/reports",
        "/office/accounts",
        "/office/audit",
        "/office/rates",
        "/office/reports",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_data(as_text=True).count("<h1") == 1, url
