"""The security baseline every page keeps: headers, error pages, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from config import load_config
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
    response = client.get("/auth/logout")
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


def _production_app() -> Flask:
    settings = load_config(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "p" * 48,
            "BASE_URL": "https://market.example",
            "DATABASE_URL": "sqlite://",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    return create_app(settings)


def test_production_sends_strict_transport_security_over_https_only() -> None:
    app = _production_app()
    client = app.test_client()
    secure = client.get("/healthz", base_url="https://market.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/healthz", base_url="http://market.example")
    assert "Strict-Transport-Security" not in plain.headers


def test_production_refuses_hosts_it_was_not_told_about() -> None:
    client = _production_app().test_client()
    assert client.get("/healthz", base_url="https://market.example").status_code == 200
    for host in ("evil.example", "localhost", "market.example.evil.example"):
        response = client.get("/healthz", base_url=f"https://{host}")
        assert response.status_code == 400, host


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one() -> None:
    """With TRUSTED_PROXIES=1 the proxy's X-Forwarded-For names the client; without it the header
    is ignored, so nobody can pick their own address to dodge a rate limit."""
    seen: list[str | None] = []
    for proxies in (0, 1):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "TRUSTED_PROXIES": proxies,
            }
        )

        @app.get("/whoami")
        def whoami() -> str:
            return request.remote_addr or ""

        response = app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "198.51.100.23"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        seen.append(response.get_data(as_text=True))
    assert seen == ["10.0.0.2", "198.51.100.23"]
