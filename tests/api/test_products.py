"""/api/v1/products and /api/v1/products/<slug>: shape, filters, sort orders, cursor paging,
languages, and what is not public."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from tests.api.helpers import assert_error, get_json, make_catalog, names
from tests.catalog.helpers import channel
from tests.factories import make_business, product

SUMMARY_KEYS = {
    "slug",
    "name",
    "locale",
    "price_idr",
    "price",
    "unit",
    "moq",
    "lead_time_days",
    "subsector",
    "business",
    "cover",
    "url",
    "page",
}


def _path(url: str) -> str:
    """The path and query of an absolute address, for the test client."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "127.0.0.1:8000"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_list_shape(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    body = get_json(client, "/api/v1/products")
    assert set(body) == {"items", "next", "count", "more_than_count"}
    assert body["count"] == 4 and body["more_than_count"] is False and body["next"] is None
    assert names(body) == ["Rattan basket", "Cassava chips", "Batik scarf", "Bamboo lamp"]
    lamp = body["items"][3]
    assert set(lamp) == SUMMARY_KEYS
    assert lamp["slug"] == "bamboo-lamp" and lamp["locale"] == "en"
    assert (lamp["price_idr"], lamp["unit"], lamp["moq"], lamp["lead_time_days"]) == (
        300_000,
        "piece",
        10,
        30,
    )
    assert lamp["subsector"] == "kriya"
    assert lamp["business"]["name"] == "Awi Export"
    assert lamp["business"]["page"] == "http://127.0.0.1:8000/msmes/" + lamp["business"]["slug"]
    assert lamp["url"] == "http://127.0.0.1:8000/api/v1/products/bamboo-lamp"
    assert lamp["page"] == "http://127.0.0.1:8000/products/bamboo-lamp"
    assert lamp["cover"]["url"].startswith("http://127.0.0.1:8000/media/")
    assert lamp["cover"]["width"] == 320 and lamp["cover"]["height"] == 240
    assert body["items"][0]["cover"] is None  # the basket has no photo


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("subsector=kriya", ["Rattan basket", "Bamboo lamp"]),
        ("channel=harz-und-heide", ["Bamboo lamp"]),
        ("channel=no-such-channel", []),
        ("city=BRAUNSCHWEIG", ["Bamboo lamp"]),
        ("cert=halal", ["Cassava chips"]),
        ("min_price=100000&max_price=300000", ["Rattan basket", "Bamboo lamp"]),
        ("max_moq=20", ["Rattan basket", "Bamboo lamp"]),
        ("max_lead=14", ["Cassava chips", "Batik scarf"]),
        ("export=direct", ["Rattan basket", "Bamboo lamp"]),
        ("subsector=kriya&max_lead=30&export=direct", ["Bamboo lamp"]),
        ("sort=price_asc", ["Cassava chips", "Rattan basket", "Bamboo lamp", "Batik scarf"]),
        ("sort=price_desc", ["Batik scarf", "Bamboo lamp", "Rattan basket", "Cassava chips"]),
        ("sort=interest", ["Batik scarf", "Rattan basket", "Cassava chips", "Bamboo lamp"]),
    ],
)
def test_filters_and_sort_orders(
    app: Flask, client: FlaskClient, query: str, expected: list[str]
) -> None:
    make_catalog(app)
    if "BRAUNSCHWEIG" in query:
        with app.app_context():
            query = query.replace("BRAUNSCHWEIG", str(channel("harz-und-heide").partner_city_id))
    body = get_json(client, f"/api/v1/products?{query}")
    assert names(body) == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "interest"])
def test_cursor_pages_continue_without_overlap(app: Flask, client: FlaskClient, sort: str) -> None:
    make_catalog(app)
    everything = names(get_json(client, f"/api/v1/products?sort={sort}"))
    seen: list[str] = []
    url: str | None = f"http://127.0.0.1:8000/api/v1/products?sort={sort}&per_page=3"
    pages = 0
    while url:
        body = get_json(client, _path(url))
        assert body["count"] == 4  # the count is of every match, not of the page
        seen += names(body)
        url = body["next"]
        pages += 1
    assert pages == 2
    assert seen == everything


def test_the_next_address_keeps_the_filters(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    first = get_json(client, "/api/v1/products?subsector=kriya&sort=price_asc&per_page=1")
    assert names(first) == ["Rattan basket"]
    assert "subsector=kriya" in first["next"] and "sort=price_asc" in first["next"]
    second = get_json(client, _path(first["next"]))
    assert names(second) == ["Bamboo lamp"] and second["next"] is None


def test_a_cursor_of_another_order_or_tampered_is_refused(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    cursor = get_json(client, "/api/v1/products?sort=price_asc&per_page=1")["next"]
    token = cursor.split("after=")[1]
    error = assert_error(client, f"/api/v1/products?sort=newest&after={token}", 400)
    assert "after" in error["detail"]
    assert_error(client, f"/api/v1/products?sort=price_asc&after={token[:-2]}xx", 400)
    assert_error(client, "/api/v1/products?after=%00%27%22", 400)


def test_one_product(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    body = get_json(client, "/api/v1/products/bamboo-lamp")
    assert body["name"] == "Bamboo lamp" and body["description"] == "A lamp of woven bamboo."
    assert body["translations"] == {
        "en": {
            "name": "Bamboo lamp",
            "description": "A lamp of woven bamboo.",
            "materials": "bamboo",
            "story": None,
        },
        "de": {
            "name": "Bambuslampe",
            "description": "Eine Lampe aus Bambus.",
            "materials": None,
            "story": None,
        },
    }
    assert body["hs_code"] == "621410" and body["materials"] == "bamboo"
    assert body["story"] is None
    assert body["subsector_names"] == {"en": "Crafts", "id": "Kriya"}
    assert [c["slug"] for c in body["channels"]] == ["harz-und-heide"]
    assert body["channels"][0]["url"] == "http://127.0.0.1:8000/api/v1/channels/harz-und-heide"
    (photo,) = body["photos"]
    assert photo["alt"] == "Bamboo lamp"
    sizes = [(s["width"], s["height"]) for s in photo["sources"]]
    assert sizes[-1] == (1200, 900) and sizes == sorted(sizes)  # smallest first, original last
    assert all(s["url"].startswith("http://127.0.0.1:8000/media/") for s in photo["sources"])
    chips = get_json(client, "/api/v1/products/cassava-chips")
    assert chips["certifications"] == [
        {
            "code": "halal",
            "name": chips["certifications"][0]["name"],
            "number": "ID-123",
            "expires_on": "2099-01-01",
        }
    ]
    assert chips["photos"] == [] and chips["cover"] is None


def test_lang_picks_the_translation_when_there_is_one(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    lamp = get_json(client, "/api/v1/products/bamboo-lamp?lang=de")
    assert (lamp["name"], lamp["locale"]) == ("Bambuslampe", "de")
    assert lamp["description"] == "Eine Lampe aus Bambus."
    basket = get_json(client, "/api/v1/products/rattan-basket?lang=de")
    assert (basket["name"], basket["locale"]) == ("Rattan basket", "en")
    listed = get_json(client, "/api/v1/products?lang=de&subsector=kriya")
    assert names(listed) == ["Rattan basket", "Bambuslampe"]
    assert_error(client, "/api/v1/products?lang=xx", 400)


def test_products_that_are_not_public_are_404_and_not_listed(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        product("Shown stool")
        product("Draft stool", status=ProductStatus.DRAFT)
        product("Archived stool", status=ProductStatus.ARCHIVED)
        product("Pending stool", status=ProductStatus.PENDING_REVIEW)
        hidden = make_business(name="Unverified maker", status=BusinessStatus.PENDING)
        product("Unverified stool", business=hidden)
        db.session.commit()
    assert names(get_json(client, "/api/v1/products")) == ["Shown stool"]
    for slug in ("draft-stool", "archived-stool", "pending-stool", "unverified-stool", "nothing"):
        error = assert_error(client, f"/api/v1/products/{slug}", 404)
        assert error["title"] == "Page not found"
    assert names(get_json(client, "/api/v1/search?q=stool")) == ["Shown stool"]


def test_materials_and_story_in_the_language_asked_else_in_english(
    app: Flask, client: FlaskClient
) -> None:
    make_catalog(app)
    with app.app_context():
        lamp = db.session.scalars(sa.select(Product).where(Product.slug == "bamboo-lamp")).one()
        lamp.story = "Woven in Cibiru."
        german = next(t for t in lamp.translations if t.locale == "de")
        german.materials = "Bambus"
        db.session.commit()
    german_body = get_json(client, "/api/v1/products/bamboo-lamp?lang=de")
    assert german_body["materials"] == "Bambus"
    assert german_body["story"] == "Woven in Cibiru."  # no German story: the English one
    assert german_body["translations"]["de"]["materials"] == "Bambus"
    assert german_body["translations"]["de"]["story"] is None
    english = get_json(client, "/api/v1/products/bamboo-lamp")
    assert english["materials"] == "bamboo" and english["story"] == "Woven in Cibiru."
