"""Fixtures shared by the whole suite: one app per session, a clean database for every test.

The schema is built by the real migrations. Each test starts from empty tables (deleted after the
previous test), so views commit for real and a live server in another thread sees the same data.
Set TEST_DATABASE_URL to run the suite on PostgreSQL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import FlaskLoginClient
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.db import db
from marketplace.extensions import limiter

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "APP_ENV": "test",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance),
            "MEDIA_ROOT": str(instance / "media"),
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
        }
    )
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _drop_everything() -> None:
    """PostgreSQL keeps the test database between runs: start each run from an empty schema."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())
        # The search vocabulary refers to no row (products go with their index rows)
        connection.exec_driver_sql("DELETE FROM search_words")


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        _empty_all_tables()
        limiter.reset()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests that call services and queries directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(app: Flask) -> Any:
    """A client whose session belongs to `user`, the same cookie a real login sets."""

    def make(user: Any) -> FlaskClient:
        return app.test_client(user=user)

    return make


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """Read the CSRF token from a page's form, as a browser would submit it."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    page: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a form with the CSRF token taken from `page` (the form's own page by default)."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, page or url)
    return client.post(url, data=payload, **kwargs)
