"""The owner's product pages, the public product page and the dashboard, through real HTTP."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.channels.models import Channel, ChannelKind, NominationStatus
from marketplace.db import db
from marketplace.interests.models import InterestStatus
from marketplace.products.models import Product, ProductStatus
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import (
    make_business,
    make_certification,
    make_interest,
    make_nomination,
    make_product,
    make_user,
)

FORM = {
    "name": "Rattan basket",
    "description": "Hand-woven rattan basket, 30 cm across.",
    "name_id": "Keranjang rotan",
    "description_id": "Keranjang rotan anyaman tangan.",
    "name_de": "Rattankorb",
    "description_de": "Handgeflochtener Rattankorb.",
    "subsector_code": "kriya",
    "hs_code": "4602.11",
    "price_idr": "Rp 185.000",
    "unit": "piece",
    "moq": "50",
    "lead_time_days": "14",
    "monthly_capacity": "400",
    "materials": "rattan",
    "dimensions": "30 x 30 x 20 cm",
    "weight_grams": "450",
    "story": "Woven in Cibiru by a family of weavers; the motif is called kepang.",
}


def setup_owner(app: Flask, status: BusinessStatus = BusinessStatus.VERIFIED) -> tuple[User, int]:
    with app.app_context():
        business = make_business(status=status)
        owner, business_id = business.owner, business.id
        commit_and_detach(owner)
    return owner, business_id


def product_named(app: Flask, name: str) -> Product:
    with app.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.name == name))
        assert product is not None
        _ = (product.translations, product.certifications, product.images)
        db.session.expunge_all()
        return product


def test_owner_creates_a_product_with_translations_and_certifications(
    app: Flask, login_as: Any
) -> None:
    owner, business_id = setup_owner(app)
    with app.app_context():
        svlk = make_certification(db.session.get_one(Business, business_id), "svlk").id
        db.session.commit()
    client = login_as(owner)
    form_html = client.get("/my/products/new").get_data(as_text=True)
    assert 'name="name_id"' in form_html and 'lang="id"' in form_html
    assert 'name="description_zh"' in form_html and 'lang="zh"' in form_html
    response = post_form(client, "/my/products/new", {**FORM, "certification_ids": str(svlk)})
    assert response.status_code == 302
    product = product_named(app, "Rattan basket")
    assert response.headers["Location"] == f"/my/products/{product.id}/photos"
    assert (product.slug, product.status, product.hs_code) == (
        "rattan-basket",
        ProductStatus.DRAFT,
        "460211",
    )
    assert product.price_idr == 185_000
    assert {t.locale: t.name for t in product.translations} == {
        "id": "Keranjang rotan",
        "de": "Rattankorb",
    }
    assert [c.id for c in product.certifications] == [svlk]


def test_bad_values_are_explained_and_nothing_is_saved(app: Flask, login_as: Any) -> None:
    owner, _ = setup_owner(app)
    client = login_as(owner)
    bad = {**FORM, "hs_code": "12 34", "price_idr": "seratus", "moq": "0", "lead_time_days": "-2"}
    response = post_form(client, "/my/products/new", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The HS code has 6 to 10 digits." in html
    assert "Enter the price in whole rupiah, e.g. 150000." in html
    assert "The minimum order is at least 1." in html
    assert "The lead time is 0 to 730 days." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 0


def test_new_product_without_a_business_asks_for_the_profile(app: Flask, login_as: Any) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    response = login_as(owner).get("/my/products/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/business/edit"


def test_submit_archive_and_restore_from_the_dashboard(app: Flask, login_as: Any) -> None:
    owner, business_id = setup_owner(app)
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        incomplete = make_product(
            business, name="No photo yet", status=ProductStatus.DRAFT, photos=0
        )
        ready = make_product(business, name="Ready scarf", status=ProductStatus.DRAFT)
        ids = incomplete.id, ready.id
        db.session.commit()
    client = login_as(owner)
    response = post_form(
        client, f"/my/products/{ids[0]}/submit", page="/my/business", follow_redirects=True
    )
    assert "Please complete: at least one photo." in response.get_data(as_text=True)
    post_form(client, f"/my/products/{ids[1]}/submit", page="/my/business")
    assert product_named(app, "Ready scarf").status == ProductStatus.PENDING_REVIEW
    post_form(client, f"/my/products/{ids[1]}/archive", page="/my/business")
    assert product_named(app, "Ready scarf").status == ProductStatus.ARCHIVED
    post_form(client, f"/my/products/{ids[1]}/restore", page="/my/business")
    assert product_named(app, "Ready scarf").status == ProductStatus.DRAFT
    response = post_form(
        client, f"/my/products/{ids[1]}/restore", page="/my/business", follow_redirects=True
    )
    assert "Only an archived product can be restored." in response.get_data(as_text=True)


def test_editing_a_published_product_sends_it_back_to_review(app: Flask, login_as: Any) -> None:
    owner, business_id = setup_owner(app)
    with app.app_context():
        product = make_product(db.session.get_one(Business, business_id))
        product_id, slug = product.id, product.slug
        db.session.commit()
    client = login_as(owner)
    page = client.get(f"/my/products/{product_id}/edit").get_data(as_text=True)
    assert 'value="Batik silk scarf"' in page
    assert 'value="Selendang sutra batik"' in page
    values = {
        **FORM,
        "name": "Batik silk scarf",
        "description": "Silk scarf, hand-drawn batik, 180 x 50 cm.",
        "name_id": "Selendang sutra batik",
        "description_id": "Batik tulis.",
        "name_de": "",
        "description_de": "",
        "subsector_code": "fesyen",
        "story": "",
        "materials": "",
        "price_idr": "475000",
    }
    response = post_form(client, f"/my/products/{product_id}/edit", values, follow_redirects=True)
    assert "The product is saved." in response.get_data(as_text=True)
    assert product_named(app, "Batik silk scarf").status == ProductStatus.PUBLISHED
    values["description"] = "Now with a silk lining."
    response = post_form(client, f"/my/products/{product_id}/edit", values, follow_redirects=True)
    assert "goes back to the trade office for review" in response.get_data(as_text=True)
    product = product_named(app, "Batik silk scarf")
    assert (product.status, product.slug) == (ProductStatus.PENDING_REVIEW, slug)
    assert client.get(f"/products/{slug}").status_code == 404


def test_product_page_only_when_published_and_business_verified(
    app: Flask, client: Any, login_as: Any
) -> None:
    with app.app_context():
        verified = make_business()
        pending = make_business(name="Pending shop", status=BusinessStatus.PENDING)
        cases = {
            make_product(verified, name="p1").slug: 200,
            make_product(verified, name="p2", status=ProductStatus.DRAFT).slug: 404,
            make_product(verified, name="p3", status=ProductStatus.PENDING_REVIEW).slug: 404,
            make_product(verified, name="p4", status=ProductStatus.REJECTED).slug: 404,
            make_product(verified, name="p5", status=ProductStatus.ARCHIVED).slug: 404,
            make_product(pending, name="p6").slug: 404,
        }
        draft_id = db.session.scalar(sa.select(Product.id).where(Product.name == "p2"))
        owner = verified.owner
        commit_and_detach(owner)
    for slug, expected in cases.items():
        assert client.get(f"/products/{slug}").status_code == expected, slug
    preview = login_as(owner).get(f"/my/products/{draft_id}/preview")
    assert preview.status_code == 200
    assert "Visitors cannot see it yet" in preview.get_data(as_text=True)


def test_product_page_shows_photos_badges_and_the_call_to_action(app: Flask, client: Any) -> None:
    with app.app_context():
        business = make_business()
        halal = make_certification(business, "halal")
        product = make_product(business, photos=3, monthly_capacity=200)
        product.certifications.append(halal)
        channel = Channel(
            slug="little-bandung-seoul",
            name="Little Bandung Seoul",
            kind=ChannelKind.SHOWROOM,
            city="Seoul",
            country_code="KR",
        )
        make_nomination(product, channel)
        slug, business_slug = product.slug, business.slug
        digests = [image.digest for image in product.images]
        db.session.commit()
    html = client.get(f"/products/{slug}").get_data(as_text=True)
    for badge in (
        "MOQ 20 piece",
        "Lead time 21 days",
        "Capacity 200 / month",
        "Halal certificate (BPJPH)",
        "HS 621410",
    ):
        assert badge in html
    assert "Rp\xa0450,000" in html
    assert f'href="/msmes/{business_slug}"' in html
    assert "Little Bandung Seoul" in html
    assert f'href="/auth/register?role=buyer&amp;next=/products/{slug}"' in html
    assert f'href="/auth/login?next=/products/{slug}"' in html
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 3
    cover, *thumbs = imgs
    # 1200 x 900 originals: variants of 320 (320x240) and 800 (800x600) exist, 1600 does not.
    assert f'src="/media/img/{digests[0][:2]}/{digests[0]}-800.webp"' in cover
    assert 'width="800" height="600"' in cover and "loading" not in cover
    assert f"{digests[0]}-320.webp 320w" in cover and f"{digests[0]}-orig.webp 1200w" in cover
    for thumb in thumbs:
        assert 'width="320" height="240"' in thumb and 'loading="lazy"' in thumb
    assert html.count('lang="id"') >= 2  # the Indonesian text is offered, marked by language


def test_indonesian_readers_get_the_indonesian_text(app: Flask, client: Any) -> None:
    with app.app_context():
        slug = make_product(make_business()).slug
        db.session.commit()
    html = client.get(f"/products/{slug}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<h1 lang="id">Selendang sutra batik</h1>' in html


def test_views_are_counted_except_for_the_owner_and_staff(
    app: Flask, client: Any, login_as: Any
) -> None:
    with app.app_context():
        product = make_product(make_business())
        slug, product_id, owner = product.slug, product.id, product.business.owner
        officer, buyer = make_user(Role.OFFICER), make_user(Role.BUYER)
        commit_and_detach(owner, officer, buyer)
    # Five people, each at their own address (a view counts once per visitor and day).
    for n, reader in enumerate(
        [client, app.test_client(), login_as(buyer), login_as(owner), login_as(officer)]
    ):
        reader.get(f"/products/{slug}", environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})
    with app.app_context():
        assert db.session.get_one(Product, product_id).view_count == 3


def test_dashboard_lists_every_product_with_status_counts_and_channels(
    app: Flask, login_as: Any
) -> None:
    owner, business_id = setup_owner(app)
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        shown = make_product(business, name="Shown scarf", view_count=42)
        make_product(business, name="Draft bag", status=ProductStatus.DRAFT, photos=0)
        rejected = make_product(business, name="Rejected mask", status=ProductStatus.REJECTED)
        rejected.status_reason = "Please show the back of the mask."
        buyer = make_user(Role.BUYER)
        make_interest(buyer, shown)
        make_interest(buyer, shown, status=InterestStatus.REPLIED)
        make_interest(buyer, shown, status=InterestStatus.SPAM)
        channel = Channel(
            slug="harz-und-heide-2026",
            name="Harz und Heide 2026",
            kind=ChannelKind.TRADE_FAIR,
            city="Braunschweig",
            country_code="DE",
        )
        make_nomination(shown, channel, NominationStatus.ACCEPTED)
        make_nomination(rejected, channel, NominationStatus.DECLINED)
        db.session.commit()
    html = login_as(owner).get("/my/business").get_data(as_text=True)
    for text in (
        "Shown scarf",
        "Draft bag",
        "Rejected mask",
        "Published",
        "Draft",
        "Rejected",
        "Please show the back of the mask.",
        "42 views",
        "2 interests",
        "0 interests",
        "No photo",
        "On show in: Harz und Heide 2026",
    ):
        assert text in html, text
    assert html.count("Harz und Heide 2026") == 1


def test_a_lead_time_counts_its_days_in_the_readers_language(app: Flask, client: Any) -> None:
    """One day is "1 day", "1 Tag", "1 jour"; two are plural (French counts 0 and 1 alike)."""
    with app.app_context():
        business = make_business()
        slugs = [
            make_product(business, name=f"Kite {days}", lead_time_days=days).slug for days in (1, 2)
        ]
        db.session.commit()
    expected = {
        "en": ("Lead time 1 day<", "Lead time 2 days<"),
        "de": ("Lieferzeit 1 Tag<", "Lieferzeit 2 Tage<"),
        "fr": ("Délai 1 jour<", "Délai 2 jours<"),
        "ko": ("리드타임 1일<", "리드타임 2일<"),
    }
    for language, badges in expected.items():
        for slug, badge in zip(slugs, badges, strict=True):
            page = client.get(f"/products/{slug}", headers={"Accept-Language": language})
            assert badge in page.get_data(as_text=True), (language, badge)
