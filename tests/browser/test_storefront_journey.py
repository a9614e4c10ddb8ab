"""The storefront journey in Chromium: an MSME owner registers, completes the profile with a
certification and submits it; an officer verifies the business; the owner lists a product with
two photos and submits it; the officer approves; a visitor on a 360 px phone opens the product
page and sees the photos and the export badges. Then the owner renames the verified business:
the change waits for review, the public page keeps the verified name until an officer approves
it, and shows the new one afterwards at the same address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role
from marketplace.businesses.models import Business
from marketplace.db import db
from marketplace.products.models import Product
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD, make_user
from tests.products.images import jpeg, png_with_alpha

pytestmark = pytest.mark.usefixtures("storefront")

OWNER_EMAIL = "siti@batik-sekar.co.id"
OWNER_PASSWORD = "parang rusak kawung 1930"
OFFICER_EMAIL = "officer@dinas.bandung.go.id"


def log_in(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    page.goto(live_server("/auth/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def register_owner(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server("/"))
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Bandung MSME owner").check()
    page.get_by_label("Your name").fill("Siti Rahayu")
    page.get_by_label("E-mail address").fill(OWNER_EMAIL)
    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label("Repeat the password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(live_server.mailed_link(OWNER_EMAIL))
    page.get_by_role("button", name="Verify my e-mail address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail address is verified")
    log_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)


def complete_profile(page: Page, scan: Path) -> None:
    page.get_by_role("link", name="My business").click()
    page.get_by_role("link", name="Create your business profile").click()
    page.get_by_label("Business name").fill("Batik Sekar Jagad")
    page.get_by_label("NIB (Nomor Induk Berusaha)").fill("9120001234567")
    page.get_by_label("Creative subsector").select_option(label="Fashion")
    page.get_by_label("District (kecamatan)").select_option("Coblong")
    page.get_by_label("About the business", exact=True).fill(
        "Hand-drawn batik (batik tulis) since 1998."
    )
    page.get_by_label("Export experience").select_option("indirect")
    page.get_by_label("Contact e-mail").fill("halo@batik-sekar.co.id")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your business profile is saved.")).to_be_visible()

    page.get_by_role("link", name="Add a certification").click()
    page.get_by_label("Certification", exact=True).select_option(label="Halal certificate (BPJPH)")
    page.get_by_label("Certificate number").fill("ID32110000123450821")
    page.get_by_label("Valid until").fill("2028-08-31")
    page.get_by_label("Scan of the certificate (image or PDF)").set_input_files(scan)
    page.get_by_role("button", name="Save certification").click()
    expect(page.get_by_text("The certification is added.")).to_be_visible()

    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_text("Waiting for verification")).to_be_visible()


def list_product(page: Page, photos: list[Path]) -> None:
    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Name (English)").fill("Batik silk scarf")
    page.get_by_label("Description (English)").fill("Hand-drawn batik on silk, 180 x 50 cm.")
    page.get_by_label("Name (Bahasa Indonesia)").fill("Selendang sutra batik tulis")
    page.get_by_label("Description (Bahasa Indonesia)").fill("Batik tulis di atas sutra.")
    page.get_by_label("Creative subsector").select_option(label="Fashion")
    page.get_by_label("HS code").fill("6214.10")
    page.get_by_label("Price in rupiah (IDR)").fill("450.000")
    page.get_by_label("Price per").select_option("piece")
    page.get_by_label("Minimum order quantity").fill("20")
    page.get_by_label("Lead time in days").fill("21")
    page.get_by_label("Monthly capacity (units)").fill("200")
    page.get_by_label(re.compile(r"^Halal certificate")).check()
    page.get_by_role("button", name="Save and add photos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos of Batik silk scarf")

    page.get_by_label(re.compile(r"^Add photos \(")).set_input_files(photos)
    page.get_by_role("button", name="Upload photos").click()
    expect(page.get_by_text("2 photos added.")).to_be_visible()
    expect(page.get_by_text("Cover photo")).to_be_visible()

    page.get_by_role("link", name="Back to my business").click()
    page.get_by_role("button", name="Submit for review Batik silk scarf").click()
    expect(page.get_by_text("The product is submitted for review")).to_be_visible()
    expect(page.get_by_text("Waiting for review")).to_be_visible()


def rename_waits_for_the_office(page: Page, browser: Browser, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        slug = db.session.scalars(sa.select(Business.slug)).one()
    page.get_by_role("link", name="My business").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Business name").fill("Batik Sekar Jagad Nusantara")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Waiting for review by the trade office")).to_be_visible()

    context = browser.new_context(locale="en-GB")
    visitor, officer = context.new_page(), context.new_page()
    try:
        visitor.goto(live_server(f"/msmes/{slug}"))
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Batik Sekar Jagad")

        log_in(officer, live_server, OFFICER_EMAIL, PASSWORD)
        officer.get_by_role("link", name="Office").click()
        officer.get_by_role("link", name="Batik Sekar Jagad", exact=True).click()
        expect(officer.get_by_text("Batik Sekar Jagad Nusantara")).to_be_visible()
        officer.get_by_role("button", name="Approve the change").click()
        expect(officer.get_by_text("The new name, NIB and district are approved")).to_be_visible()

        visitor.reload()
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Batik Sekar Jagad Nusantara")
        assert visitor.url == live_server(f"/msmes/{slug}")
    finally:
        context.close()


def test_owner_lists_officer_approves_visitor_sees_it_on_a_phone(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER_EMAIL)  # officers come from the CLI, not the UI
        db.session.commit()
    scan = tmp_path / "halal-scan.jpg"
    scan.write_bytes(jpeg(seed=60))
    photos = [tmp_path / "scarf-front.jpg", tmp_path / "scarf-detail.png"]
    photos[0].write_bytes(jpeg(size=(2000, 1500), seed=61))
    photos[1].write_bytes(png_with_alpha())

    register_owner(page, live_server)
    complete_profile(page, scan)

    office = browser.new_context(locale="en-GB")
    officer = office.new_page()
    try:
        log_in(officer, live_server, OFFICER_EMAIL, PASSWORD)
        officer.get_by_role("link", name="Office").click()
        officer.get_by_role("link", name="Batik Sekar Jagad").click()
        expect(officer.get_by_text("ID32110000123450821")).to_be_visible()
        officer.get_by_role("button", name="Verify business").click()
        expect(officer.get_by_text("Batik Sekar Jagad is verified.")).to_be_visible()

        page.reload()
        expect(page.get_by_text("Verified", exact=True)).to_be_visible()
        list_product(page, photos)

        officer.get_by_role("link", name="Office").click()
        officer.get_by_role("link", name="Batik silk scarf").click()
        officer.get_by_role("button", name="Approve and publish").click()
        expect(officer.get_by_text("Batik silk scarf is published.")).to_be_visible()
    finally:
        office.close()

    with live_server.app.app_context():
        slug = db.session.scalars(sa.select(Product.slug)).one()

    phone = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    visitor = phone.new_page()
    visitor.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        visitor.goto(live_server(f"/products/{slug}"))
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Batik silk scarf")
        images = visitor.locator("main img")
        expect(images).to_have_count(2)
        cover = images.first
        expect(cover).to_be_visible()
        assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
        thumb = images.nth(1)
        thumb.scroll_into_view_if_needed()
        expect(thumb).to_be_visible()
        assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
        badges = visitor.get_by_role("list", name="Export facts")
        for badge in (
            "MOQ 20 pieces",
            "Lead time 21 days",
            "Capacity 200 / month",
            "Halal certificate (BPJPH)",
            "HS 621410",
        ):
            expect(badges.get_by_text(badge)).to_be_visible()
        expect(visitor.get_by_text("Rp 450,000").first).to_be_visible()
        expect(visitor.get_by_role("link", name="Register as a buyer")).to_be_visible()
        width = visitor.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the page scrolls sideways: {width}px wide"
        visitor.get_by_role("link", name="Batik Sekar Jagad").click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Batik Sekar Jagad")
        visitor.wait_for_load_state("load")  # styles applied before measuring
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        phone.close()

    rename_waits_for_the_office(page, browser, live_server)
    assert errors == []
