"""The search page: any language, filters, snippets, hostile input, paging."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from tests.catalog.helpers import channel
from tests.factories import accept, make_business, product

NAME = re.compile(r'<h3[^>]*><a href="/products/[^"]+">(.+?)</a></h3>')
TAG = re.compile(r"<[^>]+>")


def _names(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [TAG.sub("", name) for name in NAME.findall(response.get_data(as_text=True))]


def _catalog(app: Flask) -> None:
    with app.app_context():
        lamp = product(
            "Table lamp",
            description="A lamp of woven rattan.",
            translations={"de": ("Tischlampe", "Handgefertigt in Bandung.")},
            business=make_business(name="Awi Kriya"),
        )
        product(
            "Bamboo tray",
            description="Handgefertigt tray, sold at the fair.",
            translations={"ko": ("대나무 쟁반", "대나무로 만든 쟁반")},
            business=make_business(name="Saung Bambu"),
        )
        product(
            "Batik scarf",
            description='Silk. <script>alert("x")</script> Hand-drawn.',
            business=make_business(name="Sekar Jagad"),
        )
        accept(lamp, channel("harz-und-heide"))
        db.session.commit()


def test_a_german_word_and_a_channel_filter(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    assert sorted(_names(client, "/search?q=Handgefertigt")) == ["Bamboo tray", "Table lamp"]
    filtered = _names(client, "/search?q=Handgefertigt&channel=harz-und-heide")
    assert filtered == ["Table lamp"]
    html = client.get("/search?q=Handgefertigt&channel=harz-und-heide").get_data(as_text=True)
    assert "Deutsch:" in html and "<mark>Handgefertigt</mark>" in html
    assert "1 product found" in html


def test_korean_prefix_and_business_name(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    assert _names(client, "/search?q=" + quote("대나무")) == ["Bamboo tray"]
    assert _names(client, "/search?q=bamb") == ["Bamboo tray"]
    assert _names(client, "/search?q=sekar") == ["Batik scarf"]


def test_snippets_escape_product_text(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    html = client.get("/search?q=silk").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Silk</mark>" in html


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "AND OR NOT",
        "*",
        "NEAR(",
        "-",
        "a:b",
        "' OR 1=1 --",
        "%",
        "_",
        "x" * 10_000,
        "\x00",
        "bamboo\x00tray",
        "🙂 lamp",
        "lamp; DROP TABLE products; --",
        "name:lamp OR body:*",
        "\\",
        "(((",
    ],
)
def test_hostile_input_is_harmless(app: Flask, client: FlaskClient, query: str) -> None:
    _catalog(app)
    response = client.get("/search?q=" + quote(query))
    assert response.status_code == 200
    assert "Search products" in response.get_data(as_text=True)
    assert _names(client, "/search?q=lamp") == ["Table lamp"]  # nothing was harmed


def test_empty_search_asks_for_words(client: FlaskClient) -> None:
    html = client.get("/search").get_data(as_text=True)
    assert ">Search products</label>" in html and ">Apply filters</button>" in html
    assert "Type a product" in html
    assert "no words to look for" in client.get("/search?q=%21%21").get_data(as_text=True)


def test_results_page_on(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        maker = make_business(name="Rotan Craft")
        for n in range(5):
            product(f"Rattan chair {n}", business=maker)
        db.session.commit()
    seen: list[str] = []
    url: str | None = "/search?q=rattan&per_page=2"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [TAG.sub("", name) for name in NAME.findall(html)]
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert sorted(seen) == [f"Rattan chair {n}" for n in range(5)]
    other_words = client.get("/search?q=chair&per_page=2").get_data(as_text=True)
    cursor = re.search(r"after=([^\"&]+)", other_words)
    assert cursor
    # a cursor made for other words gives the first page of this search
    first = _names(client, "/search?q=rattan&per_page=2")
    assert _names(client, f"/search?q=rattan&per_page=2&after={cursor.group(1)}") == first
