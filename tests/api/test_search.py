"""/api/v1/search: words in any language, the catalog's filters, cursor paging, hostile input."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from tests.api.helpers import assert_error, get_json, make_catalog, names
from tests.factories import make_business, product


def test_search_shape_and_filters(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    body = get_json(client, "/api/v1/search?q=woven")
    assert set(body) == {"items", "next", "count", "more_than_count", "suggestion"}
    assert body["suggestion"] is None
    assert sorted(names(body)) == ["Bamboo lamp", "Rattan basket"]
    assert body["count"] == 2 and body["next"] is None and body["more_than_count"] is False
    assert body["items"][0]["url"].startswith("http://127.0.0.1:8000/api/v1/products/")
    assert names(get_json(client, "/api/v1/search?q=woven&channel=harz-und-heide")) == [
        "Bamboo lamp"
    ]
    assert names(get_json(client, "/api/v1/search?q=woven&max_price=200000")) == ["Rattan basket"]


def test_a_word_of_another_language_and_lang(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    assert names(get_json(client, "/api/v1/search?q=bambus")) == ["Bamboo lamp"]
    assert names(get_json(client, "/api/v1/search?q=bambus&lang=de")) == ["Bambuslampe"]


def test_search_pages_continue_without_overlap(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        maker = make_business(name="Anyam Bambu")
        for n in range(7):
            product(f"Woven tray {n}", business=maker, description="Woven bamboo tray.")
        db.session.commit()
    seen: list[str] = []
    path: str | None = "/api/v1/search?q=woven+tray&per_page=3"
    pages = 0
    while path:
        body = get_json(client, path)
        assert body["count"] == 7
        seen += names(body)
        parts = urlsplit(body["next"]) if body["next"] else None
        path = f"{parts.path}?{parts.query}" if parts else None
        pages += 1
    assert pages == 3
    assert sorted(seen) == [f"Woven tray {n}" for n in range(7)]
    # A cursor belongs to its words.
    first = get_json(client, "/api/v1/search?q=woven+tray&per_page=3")["next"]
    token = first.split("after=")[1]
    assert_error(client, f"/api/v1/search?q=bamboo&per_page=3&after={token}", 400)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('"woven', 2),
        ('woven" OR 1=1 --', 0),  # every word must match, "or" and "1" included
        ("NEAR(woven lamp)", 0),
        ("woven lamp*", 1),
        ("' ; DROP TABLE products; --", 0),
        ("^*:-+()[]{}", 0),
        ("\x00woven", 2),
        ("woven " * 300, 2),
        ("", 0),
    ],
)
def test_hostile_words_are_plain_words(
    app: Flask, client: FlaskClient, query: str, found: int
) -> None:
    make_catalog(app)
    body = get_json(client, f"/api/v1/search?q={quote(query)}")
    assert set(body) == {"items", "next", "count", "more_than_count", "suggestion"}
    assert body["suggestion"] is None
    assert body["count"] == len(body["items"]) == found


def test_search_needs_q(client: FlaskClient) -> None:
    error = assert_error(client, "/api/v1/search", 400)
    assert "q:" in error["detail"]
