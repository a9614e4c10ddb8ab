"""`currency`: prices converted as the pages convert them (the office's rate in force today);
/api/v1/catalog/filters: the catalog page's filters and sort orders as data."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.channels.models import ChannelStatus
from marketplace.db import db
from marketplace.periods import bandung_today
from tests.api.helpers import get_json, make_catalog
from tests.catalog.helpers import channel
from tests.factories import set_rate


def _rates(app: Flask) -> None:
    today = bandung_today()
    with app.app_context():
        set_rate("EUR", "17500", today - timedelta(days=30))
        set_rate("EUR", "99999", today + timedelta(days=3))  # not in force yet
        set_rate("KRW", "11.5", today)
        db.session.commit()


def test_prices_in_the_currency_asked(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    body = get_json(client, "/api/v1/products?currency=EUR&lang=de&sort=price_asc")
    chips = body["items"][0]
    assert (chips["name"], chips["price_idr"]) == ("Cassava chips", 25_000)
    assert chips["price"] == {
        "amount": "1.43",  # 25,000 / 17,500, to the cent
        "currency": "EUR",
        "formatted": chips["price"]["formatted"],
        "idr_per_unit": "17500",
        "rate_date": (bandung_today() - timedelta(days=30)).isoformat(),
    }
    assert chips["price"]["formatted"].replace("\xa0", " ") == "1,43 €"
    won = get_json(client, "/api/v1/products/bamboo-lamp?currency=KRW")["price"]
    assert (won["amount"], won["formatted"]) == ("26087", "₩26,087")  # no minor unit
    assert get_json(client, "/api/v1/products?currency=IDR")["items"][0]["price"] is None
    assert get_json(client, "/api/v1/products?currency=USD")["items"][0]["price"] is None
    assert get_json(client, "/api/v1/products")["items"][0]["price"] is None


def test_the_api_and_the_page_say_the_same_price(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    price = get_json(client, "/api/v1/products/bamboo-lamp?currency=EUR&lang=de")["price"]
    page = client.get("/products/bamboo-lamp", headers={"Accept-Language": "de"})
    assert price["formatted"] in page.get_data(as_text=True)


def test_a_line_up_is_priced_in_its_channels_currency(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    (lamp,) = get_json(client, "/api/v1/channels/harz-und-heide")["lineup"]
    assert lamp["price"]["currency"] == "EUR" and lamp["price"]["amount"] == "17.14"
    (lamp,) = get_json(client, "/api/v1/channels/harz-und-heide?currency=KRW")["lineup"]
    assert lamp["price"]["currency"] == "KRW"
    (chips,) = get_json(client, "/api/v1/channels/little-bandung")["lineup"]
    assert chips["price"]["currency"] == "KRW"


def test_the_catalogs_filters_as_data(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    with app.app_context():
        channel("europalia").status = ChannelStatus.DRAFT
        db.session.commit()
    body = get_json(client, "/api/v1/catalog/filters?lang=de")
    by_name = {item["name"]: item for item in body["filters"]}
    assert list(by_name) == [
        "subsector",
        "channel",
        "city",
        "cert",
        "min_price",
        "max_price",
        "max_moq",
        "max_lead",
        "export",
    ]
    subsectors = {c["value"]: c["label"] for c in by_name["subsector"]["choices"]}
    assert subsectors["kriya"] == "Kunsthandwerk" and by_name["subsector"]["label"] == "Branche"
    channels = [c["value"] for c in by_name["channel"]["choices"]]
    assert "harz-und-heide" in channels and "europalia" not in channels  # as the page offers
    assert by_name["max_moq"] == {
        "name": "max_moq",
        "label": by_name["max_moq"]["label"],
        "kind": "integer",
        "choices": None,
        "minimum": 1,
        "maximum": 10**9,
    }
    assert [c["value"] for c in by_name["export"]["choices"]] == ["indirect", "direct"]
    assert [(s["value"], s["default"]) for s in body["sorts"]] == [
        ("newest", True),
        ("price_asc", False),
        ("price_desc", False),
        ("interest", False),
    ]
    assert body["sorts"][0]["label"] == "Neueste"
    assert body["per_page"] == {"default": 24, "maximum": 60}
    assert [language["value"] for language in body["languages"]][:2] == ["en", "id"]
    rates = {r["currency"]: r["idr_per_unit"] for r in body["currencies"]}
    assert rates["EUR"] == "17500" and rates["KRW"] == "11.5" and rates["USD"] is None
    # Every value listed is one that /products takes.
    for spec in body["filters"]:
        for choice in spec["choices"] or []:
            url = f"/api/v1/products?{spec['name']}={choice['value']}"
            assert client.get(url).status_code == 200, url


def test_the_labels_do_not_leak_into_the_pages_language(app: Flask, client: FlaskClient) -> None:
    """The page keeps the catalog's choices per language: asked in German by the API, the
    German choices are German ("Alle") for the German page too."""
    get_json(client, "/api/v1/catalog/filters?lang=de")
    page = client.get("/catalog", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert ">Alle<" in page
