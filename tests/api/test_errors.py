"""Errors of the API: problem details with the first JSON shape inside, in English, never
HTML, never a 500; and the pages keep their HTML error pages. (The kinds of problem:
test_problems.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.extensions import limiter
from tests.api.helpers import assert_error, get_json, make_catalog


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1000000", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=" + "9" * 5000, "per_page"),
        ("per_page=abc", "per_page"),
        ("min_price=cheap", "min_price"),
        ("max_price=-5", "max_price"),
        ("min_price=500&max_price=100", "max_price"),
        ("max_moq=0", "max_moq"),
        ("max_lead=1.5", "max_lead"),
        ("city=abc", "city"),
        ("city=99999999999999999999", "city"),
        ("subsector=%00", "subsector"),
        ("channel=%27%20OR%201%3D1%20--", "channel"),
        ("cert=" + "x" * 500, "cert"),
        ("export=always", "export"),
        ("sort=random", "sort"),
        ("lang=klingon", "lang"),
    ],
)
def test_bad_arguments_are_a_400_naming_the_field(
    app: Flask, client: FlaskClient, query: str, field: str
) -> None:
    make_catalog(app)
    error = assert_error(client, f"/api/v1/products?{query}", 400)
    assert error["detail"].startswith(f"{field}: ")
    assert error["title"] == "The request could not be understood"


def test_unknown_arguments_are_ignored(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    assert get_json(client, "/api/v1/products?utm_source=kiosk&page=7")["count"] == 4


def test_errors_are_english_whatever_the_reader_asks(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/products/no-such-thing", headers={"Accept-Language": "id"})
    assert response.status_code == 404
    assert response.get_json()["error"]["title"] == "Page not found"
    response = client.get("/api/v1/products?per_page=0", headers={"Accept-Language": "id"})
    assert response.get_json()["error"]["title"] == "The request could not be understood"


def test_unknown_addresses_and_methods_answer_json(client: FlaskClient) -> None:
    assert_error(client, "/api/v1/no-such-endpoint", 404)
    response = client.delete("/api/v1/products")
    assert response.status_code == 405  # a read-only API needs no CSRF token: not a 400
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["error"]) == {"code", "title", "detail"}


def test_pages_keep_their_html_error_pages(client: FlaskClient) -> None:
    response = client.get("/products/no-such-thing")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.fixture
def low_limit(app: Flask) -> Iterator[None]:
    saved = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "2 per minute"
    yield
    app.config["API_RATE_LIMIT"] = saved
    limiter.reset()


def test_too_many_requests_is_a_json_429(client: FlaskClient, low_limit: None) -> None:
    for _ in range(2):
        get_json(client, "/api/v1/channels")
    response = client.get("/api/v1/channels")
    assert_error(client, "/api/v1/partners", 429)
    assert response.status_code == 429 and "Retry-After" in response.headers
