"""An MSME owner in Chromium makes an API token on the settings' token page, copies it from the
page that shows it once, lists their products with it from a program, and revokes it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from marketplace.db import db
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD, make_business, make_product, seed_reference


def _products(live_server: LiveServer, token: str) -> tuple[int, object]:
    request = urllib.request.Request(
        live_server("/api/v1/my/products"), headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_an_owner_makes_uses_and_revokes_a_token(page: Page, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        seed_reference()
        business = make_business(name="Awi Kriya")
        make_product(business, name="Bamboo lamp")
        email = business.owner.email
        db.session.commit()

    page.goto(live_server("/auth/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")

    page.get_by_label("Name").fill("Shop system")
    page.get_by_label("Read and write").check()
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_text("It is shown only this once")).to_be_visible()
    token = page.get_by_label("Token", exact=True).input_value()
    assert token.startswith("bem_")

    status, body = _products(live_server, token)
    assert status == 200 and [p["name"] for p in body["items"]] == ["Bamboo lamp"]  # type: ignore[index]

    page.goto(live_server("/auth/tokens/"))
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    tokens = page.get_by_role("region", name="Your tokens")
    expect(tokens.get_by_role("heading", name="Shop system")).to_be_visible()
    tokens.get_by_role("button", name="Revoke Shop system").click()
    expect(page.get_by_text("The token Shop system is revoked")).to_be_visible()
    status, body = _products(live_server, token)
    assert status == 401
