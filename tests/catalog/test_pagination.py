"""Keyset cursors: opaque, signed, scoped to their sort order; pages stay stable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.catalog.pagination import decode_cursor, encode_cursor
from marketplace.db import db
from tests.factories import make_business, product

SECRET = "test-secret-key"
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
NAME = re.compile(r'<h3[^>]*><a href="/products/[^"]+">([^<]+)</a></h3>')


def test_cursor_round_trip_and_refusals() -> None:
    moment = datetime(2026, 5, 21, 9, 30, tzinfo=UTC)
    token = encode_cursor(SECRET, "newest", moment, 42)
    assert decode_cursor(SECRET, "newest", token, kind="datetime") == (moment, 42)
    assert decode_cursor(SECRET, "price_asc", token, kind="int") is None  # another order
    assert decode_cursor("another-secret", "newest", token, kind="datetime") is None
    assert decode_cursor(SECRET, "newest", token[:-2] + "xx", kind="datetime") is None
    assert decode_cursor(SECRET, "newest", "not a cursor", kind="datetime") is None
    assert decode_cursor(SECRET, "newest", None, kind="datetime") is None
    wrong_kind = encode_cursor(SECRET, "price_asc", moment, 42)
    assert decode_cursor(SECRET, "price_asc", wrong_kind, kind="int") is None


def _names(html: str) -> list[str]:
    return NAME.findall(html)


def _next(html: str) -> str | None:
    match = NEXT.search(html)
    return match.group(1).replace("&amp;", "&") if match else None


def _catalog(app: Flask, count: int) -> None:
    with app.app_context():
        maker = make_business(name="Saung Kriya")
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(count):
            item = product(f"Basket {n:02d}", business=maker, price_idr=10_000 + 1000 * (n % 4))
            item.published_at = start + timedelta(hours=n)
        db.session.commit()


def test_pages_follow_each_other_without_gaps_or_repeats(app: Flask, client: FlaskClient) -> None:
    _catalog(app, 7)
    for sort in ("newest", "price_asc", "price_desc", "interest"):
        seen: list[str] = []
        url: str | None = f"/catalog?sort={sort}&per_page=3"
        while url:
            html = client.get(url).get_data(as_text=True)
            seen += _names(html)
            url = _next(html)
        assert sorted(seen) == [f"Basket {n:02d}" for n in range(7)], sort


def test_a_product_added_between_pages_shifts_nothing(app: Flask, client: FlaskClient) -> None:
    _catalog(app, 6)
    first = client.get("/catalog?per_page=3").get_data(as_text=True)
    assert _names(first) == ["Basket 05", "Basket 04", "Basket 03"]
    with app.app_context():
        product("Basket new", business=make_business(name="Late Maker"))  # newest of all
        db.session.commit()
    url = _next(first)
    assert url
    second = client.get(url).get_data(as_text=True)
    assert _names(second) == ["Basket 02", "Basket 01", "Basket 00"]


def test_a_tampered_or_foreign_cursor_gives_the_first_page(app: Flask, client: FlaskClient) -> None:
    _catalog(app, 5)
    first = client.get("/catalog?per_page=2").get_data(as_text=True)
    url = _next(first)
    assert url
    cursor = url.split("after=")[1]
    for bad in (cursor[:-3] + "abc", "garbage", "' OR 1=1 --", "x" * 5000):
        response = client.get(f"/catalog?per_page=2&after={bad}")
        assert response.status_code == 200
        assert _names(response.get_data(as_text=True)) == _names(first)
    other_sort = client.get(f"/catalog?per_page=2&sort=price_asc&after={cursor}")
    assert other_sort.status_code == 200
    assert _names(other_sort.get_data(as_text=True)) == _names(
        client.get("/catalog?per_page=2&sort=price_asc").get_data(as_text=True)
    )
