"""The API shows exactly what the pages show: a product that is not published, or whose maker
is not verified, is in neither; a draft channel and an unverified MSME have no page and no
answer. The API reads through the pages' own selects, so this holds by construction: here it
is checked from the outside, page by page and address by address."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus
from marketplace.channels.models import ChannelStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from tests.api.helpers import get_json
from tests.catalog.helpers import channel
from tests.factories import accept, make_business, product

TAG = re.compile(r"<[^>]+>")
HIDDEN = {
    "Draft tray": {"status": ProductStatus.DRAFT},
    "Waiting tray": {"status": ProductStatus.PENDING_REVIEW},
    "Rejected tray": {"status": ProductStatus.REJECTED},
    "Archived tray": {"status": ProductStatus.ARCHIVED},
}


def _world(app: Flask) -> None:
    """Woven trays: one public, the others hidden for each reason, all in Harz und Heide's
    line-up and made by the same verified MSME but two (pending, suspended)."""
    with app.app_context():
        maker = make_business(name="Anyam Tray")
        harz = channel("harz-und-heide")
        accept(product("Public tray", business=maker, description="Woven tray."), harz)
        for name, fields in HIDDEN.items():
            item = product(name, business=maker, description="Woven tray.")
            accept(item, harz)
            item.status = fields["status"]
        for status in (BusinessStatus.PENDING, BusinessStatus.SUSPENDED):
            other = make_business(name=f"{status.value.title()} Tray Maker")
            accept(product(f"{status.value.title()} maker's tray", business=other), harz)
            other.status = status
        db.session.commit()


def _api_names(client: FlaskClient) -> dict[str, set[str]]:
    def of(body: dict[str, Any], key: str = "items") -> set[str]:
        return {item["name"] for item in body[key]}

    return {
        "catalog": of(get_json(client, "/api/v1/products?per_page=60")),
        "search": of(get_json(client, "/api/v1/search?q=tray&per_page=60")),
        "channel": of(get_json(client, "/api/v1/channels/harz-und-heide"), "lineup"),
        "msme": of(get_json(client, "/api/v1/msmes/anyam-tray")["lineup"]),
    }


def _page(client: FlaskClient, path: str) -> str:
    """The page's text (search marks the words it found)."""
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(TAG.sub("", response.get_data(as_text=True)))


def test_hidden_products_are_in_neither_the_pages_nor_the_api(
    app: Flask, client: FlaskClient
) -> None:
    _world(app)
    pages = {
        "catalog": _page(client, "/catalog?per_page=60"),
        "search": _page(client, "/search?q=tray&per_page=60"),
        "channel": _page(client, "/channels/harz-und-heide"),
        "msme": _page(client, "/msmes/anyam-tray"),
        "embed": _page(client, "/embed/channels/harz-und-heide"),
    }
    api = _api_names(client)
    hidden = [*HIDDEN, "Pending maker's tray", "Suspended maker's tray"]
    for where, names in api.items():
        assert "Public tray" in names, where
        assert not names & set(hidden), where
    for where, text in pages.items():
        assert "Public tray" in text, where
        assert not [name for name in hidden if name in text], where


@pytest.mark.parametrize(
    "slug", ["draft-tray", "waiting-tray", "archived-tray", "pending-maker-s-tray"]
)
def test_a_hidden_product_has_no_page_and_no_answer(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    _world(app)
    with app.app_context():
        assert db.session.scalar(sa.select(Product.id).where(Product.slug == slug))
    assert client.get(f"/products/{slug}").status_code == 404
    assert client.get(f"/api/v1/products/{slug}").status_code == 404


def test_draft_channels_and_unverified_msmes_have_no_page_and_no_answer(
    app: Flask, client: FlaskClient
) -> None:
    _world(app)
    with app.app_context():
        channel("europalia").status = ChannelStatus.DRAFT
        db.session.commit()
    for page, api in [
        ("/channels/europalia", "/api/v1/channels/europalia"),
        ("/embed/channels/europalia", "/api/v1/channels/europalia"),
        ("/msmes/pending-tray-maker", "/api/v1/msmes/pending-tray-maker"),
        ("/msmes/suspended-tray-maker", "/api/v1/msmes/suspended-tray-maker"),
    ]:
        assert client.get(page).status_code == 404, page
        assert client.get(api).status_code == 404, api
    listed = {item["slug"] for item in get_json(client, "/api/v1/msmes")["items"]}
    assert "anyam-tray" in listed and not {"pending-tray-maker", "suspended-tray-maker"} & listed
    channels = {item["slug"] for item in get_json(client, "/api/v1/channels")["items"]}
    assert "europalia" not in channels
