"""/api/v1/msmes, /api/v1/msmes/<slug> and its products: the verified MSMEs' public profiles
(as their pages show them, without contact details) and their public products."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus, BusinessTranslation, ExportExperience
from marketplace.db import db
from marketplace.products.models import ProductStatus
from tests.api.helpers import assert_problem, get_json, names
from tests.factories import make_business, make_certification, product


def _makers(app: Flask) -> None:
    with app.app_context():
        awi = make_business(
            name="Awi Kriya",
            subsector_code="kriya",
            district="Cibiru",
            export_experience=ExportExperience.DIRECT,
            export_markets=["DE", "KR"],
            year_founded=2012,
            employees=14,
            website="https://awi.example",
            monthly_capacity="400 lamps",
        )
        awi.translations.append(BusinessTranslation(locale="de", description="Bambus aus Cibiru."))
        make_certification(awi, "halal", expires_on=date(2099, 1, 1))
        start = datetime(2026, 3, 1, tzinfo=UTC)
        for n in range(5):
            item = product(f"Woven lamp {n}", business=awi)
            item.published_at = start + timedelta(days=n)
        product("Draft lamp", business=awi).status = ProductStatus.DRAFT
        make_business(name="Rumah Batik", export_experience=ExportExperience.INDIRECT)
        make_business(name="Pending Maker", status=BusinessStatus.PENDING)
        make_business(name="Suspended Maker", status=BusinessStatus.SUSPENDED)
        db.session.commit()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_list_holds_verified_msmes_only(app: Flask, client: FlaskClient) -> None:
    _makers(app)
    body = get_json(client, "/api/v1/msmes")
    assert [item["name"] for item in body["items"]] == ["Awi Kriya", "Rumah Batik"]
    assert body["count"] == 2 and body["next"] is None
    awi = body["items"][0]
    assert awi["products"] == 5  # the draft is not counted
    assert (awi["subsector"], awi["subsector_name"], awi["district"]) == (
        "kriya",
        "Crafts",
        "Cibiru",
    )
    assert awi["export_experience"] == "direct" and awi["export_markets"] == ["DE", "KR"]
    assert awi["certifications"] == [
        {"code": "halal", "name": awi["certifications"][0]["name"], "expires_on": "2099-01-01"}
    ]
    assert awi["url"] == "http://127.0.0.1:8000/api/v1/msmes/awi-kriya"
    assert awi["page"] == "http://127.0.0.1:8000/msmes/awi-kriya"
    # No contact details: those are for the people the page shows them to.
    assert not {"contact_email", "contact_phone", "whatsapp", "address", "nib"} & set(awi)


def test_the_list_filters_and_pages(app: Flask, client: FlaskClient) -> None:
    _makers(app)
    assert [i["name"] for i in get_json(client, "/api/v1/msmes?export=direct")["items"]] == [
        "Awi Kriya"
    ]
    assert [i["name"] for i in get_json(client, "/api/v1/msmes?subsector=fesyen")["items"]] == [
        "Rumah Batik"
    ]
    first = get_json(client, "/api/v1/msmes?per_page=1&lang=de")
    assert [i["name"] for i in first["items"]] == ["Awi Kriya"]
    assert first["items"][0]["description"] == "Bambus aus Cibiru."
    assert first["items"][0]["locale"] == "de"
    second = get_json(client, _path(first["next"]))
    assert [i["name"] for i in second["items"]] == ["Rumah Batik"] and second["next"] is None
    token = first["next"].split("after=")[1]
    assert_problem(client, f"/api/v1/products?after={token}", 400, "bad-argument")


def test_one_msme_with_its_products(app: Flask, client: FlaskClient) -> None:
    _makers(app)
    body = get_json(client, "/api/v1/msmes/awi-kriya?lang=ko")
    assert body["monthly_capacity"] == "400 lamps"
    assert body["year_founded"] == 2012 and body["employees"] == 14
    assert body["website"] == "https://awi.example"
    assert body["description"] == "Hand-drawn batik from Coblong." and body["locale"] == "en"
    lineup = body["lineup"]
    assert names(lineup) == [f"Woven lamp {n}" for n in (4, 3, 2, 1, 0)]  # newest first
    assert lineup["count"] == 5 and lineup["next"] is None


def test_its_products_page_by_page(app: Flask, client: FlaskClient) -> None:
    _makers(app)
    seen: list[str] = []
    url: str | None = "/api/v1/msmes/awi-kriya/products?per_page=2"
    while url:
        body = get_json(client, url)
        assert body["count"] == 5
        seen += names(body)
        url = _path(body["next"]) if body["next"] else None
    assert seen == [f"Woven lamp {n}" for n in (4, 3, 2, 1, 0)]
    first = get_json(client, "/api/v1/msmes/awi-kriya/products?per_page=2")["next"]
    token = first.split("after=")[1]
    # A cursor belongs to its MSME.
    assert_problem(client, f"/api/v1/msmes/rumah-batik/products?after={token}", 400)


def test_msmes_without_a_public_page_are_not_found(app: Flask, client: FlaskClient) -> None:
    _makers(app)
    for slug in ("pending-maker", "suspended-maker", "no-such-maker", "%00", "a%2Fb"):
        assert_problem(client, f"/api/v1/msmes/{slug}", 404, "not-found")
        assert_problem(client, f"/api/v1/msmes/{slug}/products", 404, "not-found")
