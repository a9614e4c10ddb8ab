"""The catalog page: every filter alone and combined, counts, sort orders, bad values."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus, ExportExperience
from marketplace.channels.models import NominationStatus
from marketplace.db import db
from marketplace.interests.models import InterestStatus
from marketplace.products.models import ProductStatus
from tests.catalog.helpers import channel
from tests.factories import accept, add_interests, make_business, make_certification, product

NAME = re.compile(r'<h3[^>]*><a href="/products/[^"]+">([^<]+)</a></h3>')
COUNT = re.compile(r'<h2 id="results-heading">\s*([^<]*?)\s*</h2>')


def _page(client: FlaskClient, url: str) -> tuple[list[str], str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    count = COUNT.search(html)
    assert count, url
    return NAME.findall(html), count.group(1)


def _catalog(app: Flask) -> None:
    """Four products that differ in every filtered property."""
    with app.app_context():
        start = datetime(2026, 3, 1, tzinfo=UTC)
        direct = make_business(name="Awi Export", export_experience=ExportExperience.DIRECT)
        indirect = make_business(name="Rumah Batik", export_experience=ExportExperience.INDIRECT)
        local = make_business(name="Dapur Lokal", export_experience=ExportExperience.NONE)
        halal = make_certification(local, "halal", expires_on=date(2099, 1, 1))
        expired = make_certification(indirect, "sni", expires_on=date(2020, 1, 1))
        lamp = product(
            "Bamboo lamp",
            business=direct,
            subsector_code="kriya",
            price_idr=300_000,
            moq=10,
            lead_time_days=30,
        )
        scarf = product(
            "Batik scarf",
            business=indirect,
            subsector_code="fesyen",
            price_idr=450_000,
            moq=50,
            lead_time_days=14,
        )
        scarf.certifications.append(expired)
        chips = product(
            "Cassava chips",
            business=local,
            subsector_code="kuliner",
            price_idr=25_000,
            moq=200,
            lead_time_days=7,
        )
        chips.certifications.append(halal)
        basket = product(
            "Rattan basket",
            business=direct,
            subsector_code="kriya",
            price_idr=150_000,
            moq=20,
            lead_time_days=45,
        )
        for n, item in enumerate((lamp, scarf, chips, basket)):
            item.published_at = start + timedelta(days=n)
        accept(lamp, channel("harz-und-heide"))  # Braunschweig
        accept(chips, channel("little-bandung"))  # no partner city
        pending = accept(basket, channel("harz-und-heide"))
        pending.status = NominationStatus.NOMINATED
        add_interests(scarf, 3)
        add_interests(basket, 1)
        add_interests(chips, 5, status=InterestStatus.SPAM)
        db.session.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Rattan basket", "Cassava chips", "Batik scarf", "Bamboo lamp"]),
        ("subsector=kriya", ["Rattan basket", "Bamboo lamp"]),
        ("channel=harz-und-heide", ["Bamboo lamp"]),
        ("channel=little-bandung", ["Cassava chips"]),
        ("city=BRAUNSCHWEIG", ["Bamboo lamp"]),
        ("cert=halal", ["Cassava chips"]),
        ("cert=sni", []),  # expired
        ("min_price=100000&max_price=300000", ["Rattan basket", "Bamboo lamp"]),
        ("max_moq=20", ["Rattan basket", "Bamboo lamp"]),
        ("max_lead=14", ["Cassava chips", "Batik scarf"]),
        ("export=indirect", ["Rattan basket", "Batik scarf", "Bamboo lamp"]),
        ("export=direct", ["Rattan basket", "Bamboo lamp"]),
        ("subsector=kriya&max_lead=30&export=direct", ["Bamboo lamp"]),
        ("subsector=kriya&max_price=200000&max_moq=20", ["Rattan basket"]),
        ("subsector=kuliner&export=direct", []),
    ],
)
def test_filters_alone_and_combined(
    app: Flask, client: FlaskClient, query: str, expected: list[str]
) -> None:
    _catalog(app)
    if "BRAUNSCHWEIG" in query:
        with app.app_context():
            city_id = channel("harz-und-heide").partner_city_id
        query = query.replace("BRAUNSCHWEIG", str(city_id))
    names, count = _page(client, f"/catalog?{query}")
    assert names == expected
    assert count == (f"{len(expected)} product" + ("" if len(expected) == 1 else "s"))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Rattan basket", "Cassava chips", "Batik scarf", "Bamboo lamp"]),
        ("price_asc", ["Cassava chips", "Rattan basket", "Bamboo lamp", "Batik scarf"]),
        ("price_desc", ["Batik scarf", "Bamboo lamp", "Rattan basket", "Cassava chips"]),
        # spam is not interest; ties newest listing first
        ("interest", ["Batik scarf", "Rattan basket", "Cassava chips", "Bamboo lamp"]),
    ],
)
def test_sort_orders(app: Flask, client: FlaskClient, sort: str, expected: list[str]) -> None:
    _catalog(app)
    names, _count = _page(client, f"/catalog?sort={sort}")
    assert names == expected


def test_filters_stay_in_the_page_links(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    html = client.get("/catalog?subsector=kriya&sort=price_asc&per_page=1").get_data(as_text=True)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert next_link
    assert "subsector=kriya" in next_link.group(1) and "sort=price_asc" in next_link.group(1)
    assert '<option selected value="kriya">' in html or 'value="kriya" selected' in html


def test_only_visible_products_are_listed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        product("Shown stool")
        product("Draft stool", status=ProductStatus.DRAFT)
        product("Archived stool", status=ProductStatus.ARCHIVED)
        hidden = make_business(name="Unverified maker", status=BusinessStatus.PENDING)
        product("Stool of an unverified maker", business=hidden)
        db.session.commit()
    names, count = _page(client, "/catalog")
    assert names == ["Shown stool"]
    assert count == "1 product"


@pytest.mark.parametrize(
    "query",
    [
        "subsector=nonsense",
        "channel=%27%20OR%201%3D1%20--",
        "city=abc",
        "city=99999",
        "cert=%00",
        "min_price=cheap",
        "max_price=-5",
        "max_moq=0",
        "max_lead=" + "9" * 5000,
        "export=always",
        "sort=random",
        "per_page=1000000",
        "min_price=500&max_price=100",
    ],
)
def test_values_not_understood_are_left_out_with_a_message(
    app: Flask, client: FlaskClient, query: str
) -> None:
    _catalog(app)
    response = client.get(f"/catalog?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(NAME.findall(html)) == 4  # nothing was filtered out
    if not query.startswith("per_page"):
        assert "were not understood and are left out" in html


def test_page_is_usable_by_its_labels(client: FlaskClient) -> None:
    html = client.get("/catalog").get_data(as_text=True)
    for label in (
        "Search products",
        "Subsector",
        "Channel",
        "Partner city",
        "Certification",
        "Lowest price (IDR)",
        "Highest price (IDR)",
        "Largest minimum order",
        "Longest lead time (days)",
        "Export experience",
        "Sort by",
    ):
        assert f">{label}</label>" in html, label
    assert ">Apply filters</button>" in html
    assert html.count("<h1>") == 1
