"""The owner's business pages and the public business page, through real HTTP."""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessCertification, BusinessStatus
from marketplace.db import db, utcnow
from marketplace.products.models import ProductStatus
from tests.businesses.helpers import (
    commit_and_detach,
    fetch,
    media_bytes,
    media_files,
    post_files,
)
from tests.conftest import post_form
from tests.factories import (
    NIB,
    make_business,
    make_certification,
    make_interest,
    make_product,
    make_user,
)
from tests.media.pdfs import plain_pdf
from tests.products.images import jpeg, jpeg_with_gps, text_file

PROFILE = {
    "name": "Kopi Aroma Priangan",
    "nib": "9120 0012 3456 7",
    "subsector_code": "kuliner",
    "district": "Andir",
    "description": "Roasted Java Preanger coffee since 1930.",
    "year_founded": "1930",
    "employees": "12",
    "monthly_capacity": "2 tonnes",
    "export_experience": "indirect",
    "export_markets": ["MY", "KR"],
    "website": "https://kopi.example",
    "instagram": "@kopiaroma",
    "contact_email": "halo@kopiaroma.co.id",
    "contact_phone": "+62 22 555 0101",
    "whatsapp": "",
    "address": "Jl. Banceuy 51",
}


def owner_of(app: Flask, **kwargs: Any) -> tuple[User, int | None]:
    with app.app_context():
        user = make_user(Role.MSME)
        business_id = make_business(user, **kwargs).id if kwargs.get("status") else None
        commit_and_detach(user)
        return user, business_id


def business_of(app: Flask, user_id: int) -> Business | None:
    with app.app_context():
        business = db.session.scalar(sa.select(Business).where(Business.owner_id == user_id))
        if business is not None:
            db.session.expunge(business)
        return business


def test_dashboard_invites_to_create_a_profile(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app)
    response = login_as(user).get("/my/business")
    assert response.status_code == 200
    assert "Create your business profile" in response.get_data(as_text=True)


def test_owner_creates_edits_and_submits_the_profile(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app)
    client = login_as(user)
    response = post_form(client, "/my/business/edit", PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/business"
    business = business_of(app, user.id)
    assert business is not None
    assert (business.slug, business.nib, business.status) == (
        "kopi-aroma-priangan",
        "9120001234567",
        BusinessStatus.DRAFT,
    )
    assert business.year_founded == 1930

    response = post_form(client, "/my/business/edit", {**PROFILE, "name": "Kopi Aroma"})
    assert response.status_code == 302
    business = business_of(app, user.id)
    assert business is not None
    assert (business.name, business.slug) == ("Kopi Aroma", "kopi-aroma-priangan")

    response = post_form(client, "/my/business/submit", page="/my/business", follow_redirects=True)
    assert "submitted" in response.get_data(as_text=True)
    business = business_of(app, user.id)
    assert business is not None
    assert business.status == BusinessStatus.PENDING
    assert "Waiting for verification" in client.get("/my/business").get_data(as_text=True)


def test_incomplete_profile_cannot_be_submitted(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app)
    client = login_as(user)
    blank = {name: "" for name in PROFILE}
    post_form(
        client, "/my/business/edit", {**blank, "name": "Half done", "export_experience": "none"}
    )
    html = client.get("/my/business").get_data(as_text=True)
    assert "please complete" in html
    response = post_form(client, "/my/business/submit", page="/my/business", follow_redirects=True)
    assert "Please complete: NIB (13 digits)" in response.get_data(as_text=True)
    business = business_of(app, user.id)
    assert business is not None and business.status == BusinessStatus.DRAFT


def test_bad_values_are_shown_on_the_form_and_change_nothing(app: Flask, login_as: Any) -> None:
    user, business_id = owner_of(app, status=BusinessStatus.DRAFT)
    client = login_as(user)
    bad = {
        **PROFILE,
        "nib": "123",
        "district": "Jakarta",
        "year_founded": "2999",
        "website": "javascript://x.example/%0Aalert(1)",
        "contact_email": "not-an-email",
    }
    response = post_form(client, "/my/business/edit", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The NIB has exactly 13 digits." in html
    assert "Not a valid choice" in html
    assert "The year cannot be in the future." in html
    assert "Enter a full address" in html
    assert "Invalid email address." in html
    business = business_of(app, user.id)
    assert business is not None and business.name == "Batik Sekar Jagad"


def test_rejected_owner_sees_the_reason_fixes_and_resubmits(app: Flask, login_as: Any) -> None:
    user, business_id = owner_of(app, status=BusinessStatus.REJECTED)
    with app.app_context():
        business = db.session.get(Business, business_id)
        assert business is not None
        business.status_reason = "The NIB belongs to another company."
        db.session.commit()
    client = login_as(user)
    html = client.get("/my/business").get_data(as_text=True)
    assert "The NIB belongs to another company." in html
    post_form(client, "/my/business/edit", {**PROFILE, "nib": "9120009999999"})
    post_form(client, "/my/business/submit", page="/my/business")
    business = business_of(app, user.id)
    assert business is not None
    assert (business.status, business.status_reason) == (BusinessStatus.PENDING, None)


def test_logo_upload_is_stored_and_shown(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    client = login_as(user)
    response = post_files(
        client, "/my/business/edit", PROFILE, {"logo": [(jpeg_with_gps(), "logo.jpg")]}
    )
    assert response.status_code == 302
    business = business_of(app, user.id)
    assert business is not None and business.logo_key is not None
    assert business.logo_key.endswith("-320.webp")
    page = client.get(f"/msmes/{business.slug}").get_data(as_text=True)
    assert f"/media/{business.logo_key}" in page
    status, headers, body = fetch(client, f"/media/{business.logo_key}")
    assert status == 200 and b"Exif" not in body

    # Replacing the logo removes the old files (nothing else uses them).
    old_files = set(media_files(app))
    post_files(client, "/my/business/edit", PROFILE, {"logo": [(jpeg(seed=9), "new.jpg")]})
    assert not old_files & set(media_files(app))


def test_refused_logo_is_reported_and_nothing_is_stored(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app, status=BusinessStatus.DRAFT)
    client = login_as(user)
    response = post_files(
        client, "/my/business/edit", PROFILE, {"logo": [(text_file(), "logo.jpg")]}
    )
    assert "This file is not a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    assert media_files(app) == []
    business = business_of(app, user.id)
    assert business is not None and business.logo_key is None


def certification_form(client: Any, url: str, scan: tuple[bytes, str] | None = None) -> Any:
    fields = {
        "certification_code": "halal",
        "number": "ID32110000123450821",
        "issuer": "BPJPH",
        "expires_on": "2028-08-31",
    }
    return post_files(client, url, fields, {"scan": [scan]} if scan else None)


def test_certification_with_pdf_scan_is_private(app: Flask, login_as: Any, client: Any) -> None:
    user, business_id = owner_of(app, status=BusinessStatus.VERIFIED)
    owner = login_as(user)
    pdf = plain_pdf()
    response = certification_form(owner, "/my/business/certifications/new", (pdf, "halal.pdf"))
    assert response.status_code == 302
    with app.app_context():
        certification = db.session.scalar(sa.select(BusinessCertification))
        assert certification is not None
        assert certification.scan_content_type == "application/pdf"
        key, cert_id = certification.scan_key, certification.id
        assert key is not None and key.startswith("scans/")
    status, headers, body = fetch(owner, f"/my/business/certifications/{cert_id}/scan")
    # Stored re-written as pages only (see tests/businesses/test_scans.py).
    assert (status, len(PdfReader(io.BytesIO(body)).pages)) == (200, 1)
    assert "no-store" in headers["Cache-Control"]
    assert "attachment" in headers["Content-Disposition"]
    # Not public: the media route does not serve scans, another owner gets 404.
    assert client.get(f"/media/{key}").status_code == 404
    other, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    assert login_as(other).get(f"/my/business/certifications/{cert_id}/scan").status_code == 404
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    assert fetch(login_as(officer), f"/office/certifications/{cert_id}/scan")[2] == body


def test_image_scan_is_stripped_and_bad_scans_are_refused(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    owner = login_as(user)
    url = "/my/business/certifications/new"
    for data, message in [
        (text_file(), "A scan must be a JPEG, PNG or WebP image, or a PDF."),
        (b"%PDF-1.4\n1 0 obj", "This PDF file is damaged or incomplete."),
    ]:
        response = certification_form(owner, url, (data, "scan.pdf"))
        assert message in response.get_data(as_text=True)
    assert media_files(app) == []
    response = certification_form(owner, url, (jpeg_with_gps(), "scan.jpg"))
    assert response.status_code == 302
    [stored] = media_files(app)
    assert stored.endswith(".webp") and b"Exif" not in media_bytes(app, stored)


def test_certification_edit_replace_scan_and_delete(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    owner = login_as(user)
    certification_form(owner, "/my/business/certifications/new", (jpeg(seed=1), "a.jpg"))
    with app.app_context():
        cert_id = db.session.scalar(sa.select(BusinessCertification.id))
    first = media_files(app)
    certification_form(
        owner, f"/my/business/certifications/{cert_id}/edit", (jpeg(seed=2), "b.jpg")
    )
    second = media_files(app)
    assert len(second) == 1 and second != first
    html = owner.get("/my/business").get_data(as_text=True)
    assert "Halal certificate (BPJPH)" in html and "valid until Aug 31, 2028" in html
    response = post_form(
        owner, f"/my/business/certifications/{cert_id}/delete", page="/my/business"
    )
    assert response.status_code == 302
    assert media_files(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BusinessCertification.id))) == 0


def test_public_page_only_for_verified_businesses(app: Flask, client: Any) -> None:
    with app.app_context():
        slugs = {
            status: make_business(name=f"Shop {status.value}", status=status).slug
            for status in BusinessStatus
        }
        db.session.commit()
    for status, slug in slugs.items():
        expected = 200 if status == BusinessStatus.VERIFIED else 404
        assert client.get(f"/msmes/{slug}").status_code == expected, status
    assert client.get("/msmes/no-such-business").status_code == 404


def test_public_page_lists_only_visible_products(app: Flask, client: Any) -> None:
    with app.app_context():
        business = make_business()
        make_certification(business, "halal", expires_on=None)
        make_product(business, name="Published scarf")
        make_product(business, name="Draft scarf", status=ProductStatus.DRAFT)
        make_product(business, name="Archived scarf", status=ProductStatus.ARCHIVED)
        slug = business.slug
        db.session.commit()
    html = client.get(f"/msmes/{slug}").get_data(as_text=True)
    assert "Published scarf" in html
    assert "Draft scarf" not in html and "Archived scarf" not in html
    assert "Halal certificate (BPJPH)" in html
    assert NIB not in html


def test_contact_details_shown_only_to_those_allowed(
    app: Flask, login_as: Any, client: Any
) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business)
        waiting, answered = make_user(Role.BUYER), make_user(Role.BUYER)
        officer = make_user(Role.OFFICER)
        make_interest(waiting, product)
        make_interest(answered, product, first_reply_at=utcnow())
        owner, slug, product_slug = business.owner, business.slug, product.slug
        commit_and_detach(owner, waiting, answered, officer)
    secret = "hello@batik.example"
    for url in (f"/msmes/{slug}", f"/products/{product_slug}"):
        assert secret not in client.get(url).get_data(as_text=True)
        assert secret not in login_as(waiting).get(url).get_data(as_text=True)
        assert secret in login_as(answered).get(url).get_data(as_text=True)
        assert secret in login_as(officer).get(url).get_data(as_text=True)
        assert secret in login_as(owner).get(url).get_data(as_text=True)


def test_a_website_is_accepted_as_people_write_it(app: Flask, login_as: Any) -> None:
    """ "awikriya.co.id" is saved as https://awikriya.co.id; a link that is not a web address
    (javascript:, mailto:) is still refused."""
    user, _business_id = owner_of(app, status=BusinessStatus.DRAFT)
    client = login_as(user)
    saved = post_form(client, "/my/business/edit", {**PROFILE, "website": "awikriya.co.id/shop"})
    assert saved.status_code == 302
    business = business_of(app, user.id)
    assert business is not None and business.website == "https://awikriya.co.id/shop"
    for bad in ("javascript:alert(1)", "mailto:a@b.example", "not a site"):
        refused = post_form(client, "/my/business/edit", {**PROFILE, "website": bad})
        assert "Enter a full address" in refused.get_data(as_text=True), bad
    business = business_of(app, user.id)
    assert business is not None and business.website == "https://awikriya.co.id/shop"
