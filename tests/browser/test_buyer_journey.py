"""The buyer's journey in Chromium: a retailer from Braunschweig registers, finds a batik scarf
by a word of its German description, filters by the Harz und Heide channel, and expresses
interest with a double click. The owner sees exactly one interest and a notification, and
replies; the buyer sees the reply and the contact details; the owner records the won deal."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.notifications.models import Notification
from tests.browser.conftest import LiveServer
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    PASSWORD,
    add_translation,
    harz_und_heide,
    make_business,
    make_officer,
    make_product,
    make_user,
    real_photo,
)

pytestmark = pytest.mark.usefixtures("storefront")

BUYER_EMAIL = "anna.schmidt@harz-handel.example.com"
BUYER_PASSWORD = "fachwerk and batik 1960"
OWNER_EMAIL = "siti@batik-sekar.example.id"
CONTACT_EMAIL = "halo@batik-sekar.example.id"


def _market(live_server: LiveServer) -> str:
    """A verified business with a published scarf on show at Harz und Heide, and a decoy."""
    with live_server.app.app_context():
        owner = make_user(Role.MSME, email=OWNER_EMAIL, name="Siti Rahayu")
        business = make_business(
            owner, name="Batik Sekar Jagad", contact_email=CONTACT_EMAIL, whatsapp=None
        )
        scarf = make_product(business, name="Batik silk scarf, cloud motif", photos=0)
        add_translation(
            scarf,
            "de",
            "Batik-Seidenschal",
            "Handgezeichnete Batik auf Seide mit dem Wolkenmuster Mega Mendung aus Cirebon.",
        )
        real_photo(scarf)
        decoy = make_product(business, name="Batik cotton shirt", photos=0)
        real_photo(decoy, seed=2)
        channel = harz_und_heide(capacity=3)
        (nomination,) = nominate_all([scarf], channel)
        accept(make_officer(), nomination)
        db.session.commit()
        return scarf.slug


def _log_in(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    page.goto(live_server("/auth/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _register_buyer(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server("/auth/register"))
    page.get_by_label("Buyer abroad").check()
    page.get_by_label("Your name").fill("Anna Schmidt")
    page.get_by_label("E-mail address").fill(BUYER_EMAIL)
    page.get_by_label("Password", exact=True).fill(BUYER_PASSWORD)
    page.get_by_label("Repeat the password").fill(BUYER_PASSWORD)
    page.get_by_label("Company").fill("Harz Handel GmbH")
    page.get_by_label("Type of buyer").select_option(label="Retailer")
    page.get_by_label("City", exact=True).fill("Braunschweig")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Partner city").select_option(label="Braunschweig (Germany)")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(live_server.mailed_link(BUYER_EMAIL))
    page.get_by_role("button", name="Verify my e-mail address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail address is verified")
    _log_in(page, live_server, BUYER_EMAIL, BUYER_PASSWORD)


def _find_and_express_interest(page: Page, live_server: LiveServer, slug: str) -> None:
    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Search products").fill("wolkenmuster")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("region", name=re.compile("product found"))
    expect(results).to_contain_text("1 product found")
    page.get_by_label("Channel").select_option(label="Harz und Heide")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"channel=harz-und-heide"))
    expect(page.get_by_role("heading", level=2, name="1 product found")).to_be_visible()
    page.get_by_role("link", name="Batik silk scarf, cloud motif").click()
    expect(page).to_have_url(live_server(f"/products/{slug}"))

    page.get_by_role("link", name="Express interest").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Express interest")
    page.get_by_label("Quantity", exact=True).fill("50")
    page.get_by_label("Target price per unit").fill("12.50")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Incoterm (Incoterms 2020)").select_option("FOB")
    page.get_by_label("Destination (city or port)").fill("Braunschweig")
    page.get_by_label("Message to the business").fill(
        "Guten Tag! We would like 50 scarves for our shop.\nCan you deliver by May?"
    )
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Send interest").dblclick()
    expect(page.get_by_text("Your interest is sent to Batik Sekar Jagad.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Batik silk scarf, cloud motif")
    expect(page.get_by_text(CONTACT_EMAIL)).to_have_count(0)
    # Chromium may fold the second click into the first submission; the server makes one
    # interest either way (tests/interests/test_concurrency.py sends two at once).
    assert sent and set(sent) == {live_server(f"/products/{slug}/interest")}, sent


def test_buyer_finds_a_product_expresses_interest_and_the_owner_wins_the_deal(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    slug = _market(live_server)
    _register_buyer(page, live_server)
    _find_and_express_interest(page, live_server, slug)
    thread_url = page.url

    with live_server.app.app_context():
        interests = db.session.scalars(sa.select(Interest)).all()
        assert len(interests) == 1, "the double click made more than one interest"
        (interest,) = interests
        assert (interest.quantity, interest.incoterm, interest.currency) == (50, "FOB", "EUR")
        assert interest.channel_id is None  # found by search: a direct interest
        assert len(interest.messages) == 0
        owner_notes = db.session.scalar(
            sa.select(sa.func.count()).where(Notification.kind == "interest_new")
        )
        assert owner_notes == 1

    office = browser.new_context(locale="en-GB")
    owner = office.new_page()
    owner.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        _log_in(owner, live_server, OWNER_EMAIL, PASSWORD)
        owner.get_by_role("link", name="Notifications, 1 unread").click()
        expect(owner.get_by_role("heading", level=1)).to_have_text("Notifications")
        expect(
            owner.get_by_text("New interest in Batik silk scarf, cloud motif from Harz Handel GmbH")
        ).to_be_visible()
        owner.get_by_role("link", name="Interests", exact=True).click()
        cards = owner.locator(".conversation-list > li")
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("Harz Handel GmbH")
        expect(cards.first).to_contain_text("Unread")
        cards.first.get_by_role("link").click()
        expect(owner.get_by_text("Can you deliver by May?")).to_be_visible()
        expect(owner.get_by_text("Retailer")).to_be_visible()
        owner.get_by_label("Your message").fill(
            "Terima kasih, Anna! 50 scarves by May is fine. FOB Jakarta: EUR 12.50 each."
        )
        owner.get_by_role("button", name="Send message").click()
        expect(owner.get_by_text("Your message is sent.")).to_be_visible()
        expect(owner.get_by_role("link", name=re.compile(r"^Notifications"))).to_have_text(
            "Notifications"
        )

        page.goto(thread_url)
        expect(page.get_by_text("50 scarves by May is fine.")).to_be_visible()
        expect(page.get_by_role("link", name=CONTACT_EMAIL)).to_be_visible()
        expect(page.get_by_role("link", name="Notifications, 1 unread")).to_have_count(0)

        owner.get_by_label("Quantity sold").fill("50")
        # The form offers the buyer's currency (euro) first; this deal was agreed in rupiah.
        expect(owner.get_by_label("Currency of the deal")).to_have_value("EUR")
        owner.get_by_label("Currency of the deal").select_option("IDR")
        owner.get_by_label("Value of the deal", exact=True).fill("11.250.000")
        owner.get_by_role("button", name="Record won deal").click()
        expect(owner.get_by_text("The status is now: Won.")).to_be_visible()
        expect(owner.get_by_text("Deal: 50 pieces for Rp 11,250,000")).to_be_visible()
    finally:
        office.close()

    page.reload()
    expect(page.get_by_text("Won", exact=True).first).to_be_visible()
    with live_server.app.app_context():
        interest = db.session.scalars(sa.select(Interest)).one()
        assert interest.status == InterestStatus.WON
        assert (interest.won_quantity, interest.won_value_idr) == (50, 11_250_000)
        assert interest.first_reply_at is not None
    assert errors == []
