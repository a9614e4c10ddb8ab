"""A buyer's first visit in Chromium: register, verify by the e-mailed link, log in, switch to
Indonesian, log out."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from marketplace.reference.models import PartnerCity
from tests.browser.conftest import LiveServer

EMAIL = "anna.schmidt@harz-handel.example.com"
PASSWORD = "fachwerk and batik 1960"


def test_buyer_registers_verifies_logs_in_switches_language_and_logs_out(
    page: Page, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    with live_server.app.app_context():
        db.session.add(
            PartnerCity(
                name="Braunschweig",
                country_code="DE",
                country="Germany",
                since_year=1960,
                currency="EUR",
                locale="de",
            )
        )
        db.session.commit()

    page.goto(live_server("/"))
    page.get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Buyer abroad").check()
    page.get_by_label("Your name").fill("Anna Schmidt")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("Company").fill("Harz Handel GmbH")
    page.get_by_label("Type of buyer").select_option(label="Retailer")
    page.get_by_label("City", exact=True).fill("Braunschweig")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Partner city").select_option(label="Braunschweig (Germany)")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    page.goto(live_server.mailed_link(EMAIL))
    page.get_by_role("button", name="Verify my e-mail address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail address is verified")

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account settings")
    details = page.get_by_role("region", name="Your details")
    details.get_by_label("Language").select_option("id")
    details.get_by_role("button", name="Save settings").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    # The button's words follow the language; the catalog may or may not translate them yet.
    page.get_by_role("button", name=re.compile(r"^(Log out|Keluar)$")).click()
    page.goto(live_server("/auth/settings"))
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 1
    assert errors == []


def test_registration_shows_only_what_the_role_and_the_buyer_type_need(
    page: Page, live_server: LiveServer
) -> None:
    """No script: the fields fold away by CSS as the person chooses."""
    page.goto(live_server("/auth/register"))
    company, country = page.get_by_label("Company"), page.get_by_label("Country")

    page.get_by_label("Bandung MSME owner").check()
    expect(page.get_by_label("Type of buyer")).to_be_hidden()
    expect(country).to_be_hidden()
    expect(company).to_be_hidden()

    page.get_by_label("Buyer abroad").check()
    page.get_by_label("Type of buyer").select_option(label="Individual buyer")
    expect(country).to_be_visible()
    for hidden in (
        company,
        page.get_by_label("City", exact=True),
        page.get_by_label("Partner city"),
    ):
        expect(hidden).to_be_hidden()

    page.get_by_label("Type of buyer").select_option(label="Importer")
    expect(company).to_be_visible()
    expect(page.get_by_label("City", exact=True)).to_be_visible()

    # A private buyer registers with name, address, password and country only.
    page.get_by_label("Type of buyer").select_option(label="Individual buyer")
    page.get_by_label("Your name").fill("Min-jun Kim")
    page.get_by_label("E-mail address").fill("minjun@example.kr")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    country.select_option(label="South Korea")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
