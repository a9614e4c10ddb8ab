"""A buying request in Chromium: a buyer in Melbourne asks for 5,000 bamboo straws; exactly the
two MSMEs whose products match are told (a batik maker is not); both quote; the buyer compares
the quotes in Australian dollars, asks one a question and picks the other; the conversation opens
with the quote in it; the MSME records the deal; the office's report counts it for Melbourne."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.notifications.models import Notification
from marketplace.reference.models import PartnerCity
from marketplace.rfq.models import BuyingRequest
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_business, make_buyer, make_product, make_user, set_rate

pytestmark = pytest.mark.usefixtures("storefront")

BUYER = "olivia@greenstraw.example.au"
AWI = "ujang@awikriya.example"
BAMBU = "rina@bambulestari.example"
BATIK = "sekar@batik.example"
OFFICER = "dewi@dinas.bandung.go.id"
PHONE = {"width": 390, "height": 844}


def _world(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        melbourne = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Melbourne"))
        assert melbourne is not None
        buyer = make_buyer("Green Straw Co", email=BUYER, name="Olivia Chen")
        profile = buyer.buyer_profile
        profile.city, profile.country_code, profile.partner_city_id = (
            "Melbourne",
            "AU",
            melbourne.id,
        )
        profile.preferred_currency = "AUD"
        for email, name, product, subsector, hs_code in (
            (AWI, "Awi Kriya", "Bamboo drinking straws", "kriya", "460219"),
            (BAMBU, "Bambu Lestari", "Bamboo straws, natural", "kriya", "4602"),
            (BATIK, "Batik Sekar", "Batik silk scarf", "fesyen", "621410"),
        ):
            owner = make_user(Role.MSME, email=email, name=f"Owner of {name}")
            business = make_business(owner, name=name, subsector_code=subsector)
            make_product(
                business,
                name=product,
                subsector_code=subsector,
                hs_code=hs_code,
                monthly_capacity=4000,
                photos=0,
            )
        make_user(Role.OFFICER, email=OFFICER, name="Dewi Lestari")
        set_rate("AUD", "10500", date(2026, 1, 1))
        db.session.commit()


def _post_request(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, BUYER, PASSWORD)
    page.get_by_role("link", name="Buying requests").click()
    page.get_by_role("link", name="Post a buying request").click()
    page.get_by_label("What are you looking for?").fill("Bamboo drinking straws")
    page.get_by_label("Details (size, material, colour, packaging)").fill(
        "20 cm long, 8 mm wide, natural colour, packed in 100s."
    )
    page.get_by_label("Category").select_option(label="Crafts")
    page.get_by_label("HS code (optional)").fill("4602")
    page.get_by_label("Quantity").fill("5000")
    page.get_by_label("Target price per unit (optional)").fill("0.12")
    expect(page.get_by_label("Currency")).to_have_value("AUD")
    page.get_by_label("Destination (city or port)").fill("Port of Melbourne")
    page.get_by_label("Quotes until").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Post the request").click()
    expect(page.locator(".flash-success")).to_contain_text("sent to the matching businesses")
    expect(page.get_by_text("Sent to 2 matching businesses.")).to_be_visible()


def _quote(page: Page, live_server: LiveServer, email: str, price: str, days: str) -> None:
    log_in(page, live_server, email, PASSWORD)
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role(
        "link", name=re.compile("looking for 5,000 pieces of Bamboo drinking straws")
    ).click()
    expect(page.get_by_role("heading", name="Bamboo drinking straws", level=1)).to_be_visible()
    page.get_by_label("Price per unit (rupiah)").fill(price)
    page.get_by_label("Minimum order (optional)").fill("1000")
    page.get_by_label("Lead time in days").fill(days)
    page.get_by_label("Message to the buyer").fill("Straws of tali bamboo, boiled and sun-dried.")
    page.get_by_role("button", name="Send the quote").click()
    expect(page.locator(".flash-success")).to_contain_text("Your quote is sent to the buyer.")
    page.get_by_role("button", name="Log out").click()


def test_a_melbourne_buyer_asks_two_msmes_quote_one_is_picked_and_the_deal_is_counted(
    browser: Browser, live_server: LiveServer
) -> None:
    _world(live_server)
    buyer_context = browser.new_context(viewport=PHONE, locale="en-AU")
    buyer = buyer_context.new_page()
    _post_request(buyer, live_server)

    # Exactly the two matching MSMEs were told; the batik maker was not.
    with live_server.app.app_context():
        told = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(Notification.kind == "buying_request")
            )
        )
        emails = set(db.session.scalars(sa.select(User.email).where(User.id.in_(told))))
    assert emails == {AWI, BAMBU}

    msme = browser.new_context(viewport=PHONE).new_page()
    _quote(msme, live_server, AWI, "1.250", "21")
    _quote(msme, live_server, BAMBU, "1.100", "35")

    # The buyer compares: lowest price first, in Australian dollars beside the rupiah.
    buyer.reload()
    table = buyer.get_by_role("table", name="The quotes side by side, lowest price first")
    expect(table.get_by_role("columnheader")).to_have_text(["Bambu Lestari", "Awi Kriya"])
    price = table.get_by_role("row").filter(
        has=buyer.get_by_role("rowheader", name="Price per unit")
    )
    total = table.get_by_role("row").filter(
        has=buyer.get_by_role("rowheader", name=re.compile("Total"))
    )
    # 1,250 rupiah at 10,500 a dollar: A$0.12; 5,000 of them 6,250,000 rupiah, A$595.24.
    expect(price.get_by_role("cell").nth(1)).to_contain_text("A$0.12")
    expect(total.get_by_role("cell").nth(1)).to_contain_text("A$595.24")

    bambu = buyer.get_by_role("article").filter(has_text="Quote of Bambu Lestari")
    bambu.get_by_label("Your question").fill("Can you send 20 samples first?")
    bambu.get_by_role("button", name="Ask Bambu Lestari").click()
    expect(buyer.locator(".flash-success")).to_contain_text("Your question is sent")
    buyer.get_by_role("button", name="Pick the quote of Awi Kriya").click()

    # The conversation opens with the request and the quote in it.
    expect(buyer.get_by_role("heading", name="The quote picked")).to_be_visible()
    expect(buyer.get_by_text("Straws of tali bamboo, boiled and sun-dried.")).to_be_visible()
    expect(buyer.get_by_text("21 days")).to_be_visible()
    buyer.get_by_label("Your message").fill("Agreed: 5,000 pieces, FOB Tanjung Priok.")
    buyer.get_by_role("button", name="Send message").click()

    # The MSME records the deal from its notification.
    log_in(msme, live_server, AWI, PASSWORD)
    msme.get_by_role("link", name="Notifications").click()
    msme.get_by_role("link", name=re.compile("picked your quote")).click()
    expect(msme.get_by_text("Agreed: 5,000 pieces")).to_be_visible()
    msme.get_by_label("Quantity sold").fill("5000")
    msme.get_by_label("Currency of the deal").select_option("IDR")
    msme.get_by_label("Value of the deal").fill("6250000")
    msme.get_by_role("button", name="Record won deal").click()
    expect(msme.locator(".flash-success")).to_be_visible()

    # The other MSME was thanked; the office's report counts it all for Melbourne.
    with live_server.app.app_context():
        request = db.session.scalars(sa.select(BuyingRequest)).one()
        assert request.status == "awarded"
    office = browser.new_context().new_page()
    log_in(office, live_server, OFFICER, PASSWORD)
    office.goto(live_server("/office/reports"))
    report = office.get_by_role(
        "table", name="Buying requests posted in the period, per partner city of the buyer"
    )
    melbourne = report.get_by_role("row").filter(
        has=office.get_by_role("rowheader", name="Melbourne")
    )
    expect(melbourne.get_by_role("cell")).to_have_text(
        ["1", "2", "1", "1", re.compile(r"6\.250\.000|6,250,000")]
    )
    buyer_context.close()
