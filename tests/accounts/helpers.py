"""Helpers for account tests: links from the outbox, logging in through the form."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from tests.conftest import post_form
from tests.factories import PASSWORD

LINK = re.compile(r"https?://\S+")
CSRF_VALUE = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def outbox(app: Flask, to: str | None = None) -> list[tuple[str, str, str]]:
    """(to, subject, body) of every message in the outbox, oldest first."""
    with app.app_context():
        query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
        if to is not None:
            query = query.where(OutboxEmail.to_address == to)
        return [(e.to_address, e.subject, e.body) for e in db.session.scalars(query)]


def link_path(body: str, marker: str) -> str:
    """The path of the first link in `body` that contains `marker`, as the test client needs it."""
    for url in LINK.findall(body):
        if marker in url:
            return urlsplit(url).path
    raise AssertionError(f"no link with {marker!r} in:\n{body}")


def log_in(
    client: FlaskClient,
    email: str,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    next_url: str | None = None,
) -> Any:
    url = "/auth/login" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, url, data)


def without_csrf(html: str) -> str:
    return CSRF_VALUE.sub('name="csrf_token" value=""', html)


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/auth/settings")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    return False


def open_verification_link(client: FlaskClient, path: str) -> Any:
    """What a person does with the mailed link: open it, then press the button on the page.

    Opening alone changes nothing (a mail scanner opens links too); the answer to the press is
    returned, or the refusal when the page offers no button."""
    page = client.get(path)
    if page.status_code != 200:
        return page
    return post_form(client, path, {}, page=path)
