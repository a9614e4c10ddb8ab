"""/api/v1/channels, /api/v1/channels/<slug> and /api/v1/partners."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from marketplace.channels.models import ChannelStatus
from marketplace.db import db
from marketplace.products.models import ProductStatus
from tests.api.helpers import assert_error, get_json, make_catalog
from tests.catalog.helpers import channel
from tests.factories import accept, product


def test_channel_list(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        channel("europalia").status = ChannelStatus.DRAFT
        channel("little-bandung").status = ChannelStatus.ARCHIVED
        db.session.commit()
    body = get_json(client, "/api/v1/channels")
    assert set(body) == {"items"}
    slugs = [item["slug"] for item in body["items"]]
    assert "europalia" not in slugs  # drafts are not public
    assert slugs[-1] == "little-bandung"  # past editions come last
    harz = next(item for item in body["items"] if item["slug"] == "harz-und-heide")
    assert harz["status"] == "open" and harz["kind"] == "trade_fair"
    assert harz["partner_city"]["name"] == "Braunschweig"
    assert harz["url"] == "http://127.0.0.1:8000/api/v1/channels/harz-und-heide"
    assert harz["page"] == "http://127.0.0.1:8000/channels/harz-und-heide"
    assert {"starts_on", "ends_on", "locale", "currency", "city", "country_code"} <= set(harz)


def test_channel_and_its_lineup(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    with app.app_context():
        withdrawn = product("Withdrawn bowl")
        accept(withdrawn, channel("harz-und-heide"))
        withdrawn.status = ProductStatus.ARCHIVED
        db.session.commit()
    body = get_json(client, "/api/v1/channels/harz-und-heide?lang=de")
    assert body["name"] == "Harz und Heide" and body["description"]
    (lamp,) = body["lineup"]
    assert {key: lamp[key] for key in ("slug", "name", "locale", "shelf_code", "url")} == {
        "slug": "bamboo-lamp",
        "name": "Bambuslampe",
        "locale": "de",
        "shelf_code": "A1",
        "url": "http://127.0.0.1:8000/api/v1/products/bamboo-lamp",
    }
    # What a card of it needs (an embed's, a kiosk's).
    assert (lamp["price_idr"], lamp["unit"]) == (300_000, "piece")
    assert lamp["business"]["name"] == "Awi Export"
    assert lamp["cover"]["width"] == 320
    assert lamp["page"] == "http://127.0.0.1:8000/channels/harz-und-heide/products/bamboo-lamp"
    assert lamp["price"] is None  # the office has set no euro rate yet
    assert body["catalog_pdf"] == "http://127.0.0.1:8000/channels/harz-und-heide/catalog.pdf"
    assert body["embed"] == (
        "http://127.0.0.1:8000/embed/channels/harz-und-heide?lang=de&currency=EUR"
    )


def test_channels_that_are_not_public_are_404(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        channel("europalia").status = ChannelStatus.DRAFT
        db.session.commit()
    assert_error(client, "/api/v1/channels/europalia", 404)
    assert_error(client, "/api/v1/channels/no-such-channel", 404)
    assert_error(client, "/api/v1/channels/%00", 404)


def test_partners(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    body = get_json(client, "/api/v1/partners")
    assert set(body) == {"items"}
    braunschweig = next(c for c in body["items"] if c["name"] == "Braunschweig")
    assert braunschweig["country_code"] == "DE" and braunschweig["since_year"] == 1960
    assert (braunschweig["msmes"], braunschweig["products"]) == (1, 1)
    assert [c["slug"] for c in braunschweig["channels"]] == ["harz-und-heide"]
    # The id is what the catalog's `city` filter takes.
    listed = get_json(client, f"/api/v1/products?city={braunschweig['id']}")
    assert [item["slug"] for item in listed["items"]] == ["bamboo-lamp"]
