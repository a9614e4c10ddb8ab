"""The security baseline every page keeps: headers, error pages, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.security import is_safe_next


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page", "/auth/login"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_not_found_page_is_friendly(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_wrong_method_answers_405_with_allow_header(client: FlaskClient) -> None:
    response = client.get("/language")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "not available" in response.get_data(as_text=True)


def test_api_paths_get_json_errors(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_too_large_request_answers_413(client: FlaskClient, app: Flask) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/language", data=b"x" * (limit + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "id", "next": "/"})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)


def test_unexpected_error_shows_500_page_without_stack_trace() -> None:
    app = create_app({"TESTING": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body
    assert "Traceback" not in body


@pytest.mark.parametrize(
    "target",
    ["/products/x", "/auth/settings?tab=1"],
)
def test_safe_next_accepts_paths_on_this_site(target: str) -> None:
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/ok\r\nSet-Cookie: x=1",
    ],
)
def test_safe_next_refuses_other_sites(target: str | None) -> None:
    assert not is_safe_next(target)
