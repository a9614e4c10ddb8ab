"""Links written outside the page (mail, QR tags, PDFs, the API) come from BASE_URL, never from the
request; requests naming an unknown host are refused; `make run` derives BASE_URL from its port."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from config import ConfigError, load_config
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from marketplace.urls import public_url
from tests.accounts.helpers import LINK
from tests.conftest import csrf_token
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]


def _mail_links(app: Flask) -> list[str]:
    with app.app_context():
        bodies = db.session.scalars(sa.select(OutboxEmail.body)).all()
    return [link for body in bodies for link in LINK.findall(body)]


def test_public_url_is_under_base_url_outside_and_inside_requests(app: Flask) -> None:
    base = app.config["BASE_URL"]
    with app.app_context():
        assert public_url("accounts.verify_email", token="abc") == f"{base}/auth/verify/abc"
    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert public_url("accounts.login") == f"{base}/auth/login"


def test_a_request_for_an_unknown_host_is_refused_and_mails_nothing(app: Flask) -> None:
    with app.app_context():
        make_user(Role.MSME, email="owner@example.org")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client, "/auth/reset")
    response = client.post(
        "/auth/reset",
        data={"email": "owner@example.org", "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert _mail_links(app) == []


def test_reset_link_ignores_the_host_the_request_was_sent_to(app: Flask) -> None:
    """`localhost` is trusted on a laptop, but BASE_URL (127.0.0.1:8000 here) is the public name."""
    with app.app_context():
        make_user(Role.MSME, email="owner@example.org")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client, "/auth/reset")
    response = client.post(
        "/auth/reset",
        data={"email": "owner@example.org", "csrf_token": token},
        base_url="http://localhost:5000",
    )
    assert response.status_code == 302
    [link] = _mail_links(app)
    assert link.startswith(app.config["BASE_URL"] + "/auth/reset/")


def test_trusted_hosts_come_from_base_url_and_the_setting() -> None:
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "BASE_URL": "https://market.bandung.example/",
        "TRUSTED_HOSTS": "www.market.bandung.example, .internal.example",
    }
    config = load_config(env)
    assert config["BASE_URL"] == "https://market.bandung.example"
    assert config["TRUSTED_HOSTS"] == [
        "market.bandung.example",
        "www.market.bandung.example",
        ".internal.example",
    ]
    laptop = load_config({"BASE_URL": "http://127.0.0.1:9000", "SECRET_KEY": "x"})
    assert set(laptop["TRUSTED_HOSTS"]) == {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "https://", "http://a/?x=1"])
def test_a_base_url_that_is_not_an_address_stops_the_start(url: str) -> None:
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config({"BASE_URL": url, "SECRET_KEY": "x"})


def test_make_run_derives_base_url_from_host_and_port() -> None:
    """A QR tag printed from a server started with PORT=9000 points to port 9000."""
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=9000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    [serve] = [line for line in dry_run.splitlines() if "gunicorn" in line]
    assert "BASE_URL=http://127.0.0.1:9000" in serve
    assert "--bind 127.0.0.1:9000" in serve
