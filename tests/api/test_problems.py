"""Every error of an /api/ address is a problem (RFC 9457, application/problem+json) of a stable
type whose address is a page saying what it means, with the API's first error shape kept
inside; `problem_response` and `api_abort` give the same to any API view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.api.base import PROBLEMS, api_abort, problem_response
from marketplace.extensions import limiter
from tests.api.helpers import PROBLEMS as TYPES
from tests.api.helpers import assert_problem, make_catalog


def test_a_missing_product_is_a_not_found_problem(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    body = assert_problem(client, "/api/v1/products/no-such-thing?lang=de", 404, "not-found")
    assert body["title"] == "Not found"
    assert body["detail"] == "No public product has this slug."
    assert body["instance"] == "/api/v1/products/no-such-thing?lang=de"
    # The first shape, unchanged for the programs written against it.
    assert body["error"] == {
        "code": 404,
        "title": "Page not found",
        "detail": "No public product has this slug.",
    }
    assert_problem(client, "/api/v1/no-such-endpoint", 404, "not-found")
    assert_problem(client, "/api/v1/msmes/no-such-maker/products", 404, "not-found")


def test_a_bad_argument_names_the_field(client: FlaskClient) -> None:
    body = assert_problem(client, "/api/v1/products?per_page=0&currency=XYZ", 400, "bad-argument")
    assert body["title"] == "Bad argument"
    assert "per_page: " in body["detail"] and "currency: " in body["detail"]


def test_a_wrong_method_says_which_are_allowed(client: FlaskClient) -> None:
    response = client.post("/api/v1/channels")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == TYPES + "method-not-allowed" and body["status"] == 405
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def low_limit(app: Flask) -> Iterator[None]:
    saved = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "1 per minute"
    yield
    app.config["API_RATE_LIMIT"] = saved
    limiter.reset()


def test_too_many_requests_is_rate_limited(client: FlaskClient, low_limit: None) -> None:
    assert client.get("/api/v1/partners").status_code == 200
    response = client.get("/api/v1/partners")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["type"] == TYPES + "rate-limited" and body["title"] == "Rate limited"


def _app_with_private_routes() -> Flask:
    """An application with three more API routes, as another API module would write them."""
    app = create_app({"TESTING": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/api/v1/explode")
    def explode() -> str:
        raise RuntimeError("secret internals")

    @app.get("/api/v1/private")
    def private() -> Response:
        return problem_response(
            401, "The token has expired.", headers={"WWW-Authenticate": "Bearer"}
        )

    @app.get("/api/v1/changed")
    def changed() -> str:
        api_abort(409, "The token was revoked meanwhile.", slug="conflict")

    return app


def test_other_api_views_answer_the_same_problems() -> None:
    client = _app_with_private_routes().test_client()
    response = client.get("/api/v1/explode")
    body = response.get_json()
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert body["type"] == TYPES + "server-error" and "secret" not in response.get_data(
        as_text=True
    )
    response = client.get("/api/v1/private")
    body = response.get_json()
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert (body["type"], body["detail"]) == (TYPES + "unauthorized", "The token has expired.")
    assert body["error"]["code"] == 401
    response = client.get("/api/v1/changed")
    body = response.get_json()
    assert response.status_code == 409
    assert (body["type"], body["title"]) == (TYPES + "conflict", "Conflict")
    assert body["detail"] == "The token was revoked meanwhile."


@pytest.mark.parametrize("slug", sorted(PROBLEMS))
def test_each_type_address_is_a_page_saying_what_it_means(client: FlaskClient, slug: str) -> None:
    response = client.get(f"/api/v1/problems/{slug}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<h1>{PROBLEMS[slug].title}</h1>" in page
    assert PROBLEMS[slug].meaning.split(":")[0].replace("'", "&#39;") in page
    assert f"HTTP {PROBLEMS[slug].status}" in page


def test_an_unknown_type_is_not_found(client: FlaskClient) -> None:
    assert_problem(client, "/api/v1/problems/no-such-problem", 404, "not-found")
