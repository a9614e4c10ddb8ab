"""The office's journey in Chromium: an officer verifies a business, rejects its product with a
reason that the owner then reads, approves the product once the owner has fixed it, and finds
all three decisions in the audit log. And a partnership's summary prints on one A4 page."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from marketplace.reference.models import PartnerCity
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_business, make_product, make_user, real_photo
from tests.office import report_world

pytestmark = pytest.mark.usefixtures("storefront")

OFFICER_EMAIL = "dewi@dinas.bandung.go.id"
OWNER_EMAIL = "siti@batik-sekar.co.id"
REASON = "Please show the scarf unfolded, so buyers see the whole motif."


def test_officer_verifies_rejects_then_approves_and_finds_it_all_in_the_audit_log(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER_EMAIL, name="Dewi Lestari")
        owner = make_user(Role.MSME, email=OWNER_EMAIL, name="Siti Rahayu")
        business = make_business(owner, name="Batik Sekar Jagad", status=BusinessStatus.PENDING)
        product = make_product(
            business, name="Batik silk scarf", status=ProductStatus.PENDING_REVIEW
        )
        real_photo(product)
        db.session.commit()

    log_in(page, live_server, OFFICER_EMAIL, PASSWORD)
    office_link = page.get_by_role("link", name="Office, 2 waiting")
    expect(office_link).to_be_visible()
    office_link.click()
    page.get_by_role("link", name="Batik Sekar Jagad").click()
    page.get_by_role("button", name="Verify business").click()
    expect(page.get_by_text("Batik Sekar Jagad is verified.")).to_be_visible()

    page.get_by_role("link", name="Batik silk scarf").click()
    page.get_by_label("Reason (shown to the owner)").fill(REASON)
    page.get_by_role("button", name="Reject product").click()
    expect(
        page.get_by_text("Batik silk scarf is rejected; the owner sees your reason.")
    ).to_be_visible()

    owner_side = browser.new_context(locale="en-GB")
    owner_page = owner_side.new_page()
    try:
        log_in(owner_page, live_server, OWNER_EMAIL, PASSWORD)
        owner_page.get_by_role("link", name="My business").click()
        expect(owner_page.get_by_text("Reason given by the trade office:")).to_be_visible()
        expect(owner_page.get_by_text(REASON)).to_be_visible()
        owner_page.get_by_role("link", name="Edit Batik silk scarf").click()
        owner_page.get_by_label("Description (English)").fill(
            "Hand-drawn batik on silk, 180 x 50 cm, shown unfolded in the new photo."
        )
        owner_page.get_by_role("button", name="Save product").click()
        owner_page.get_by_role("button", name="Submit for review Batik silk scarf").click()
        expect(owner_page.get_by_text("The product is submitted for review")).to_be_visible()
    finally:
        owner_side.close()

    page.reload()  # the queue has grown since the officer's page was drawn
    page.get_by_role("link", name="Office, 1 waiting").click()
    page.get_by_role("link", name="Batik silk scarf").click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Batik silk scarf is published.")).to_be_visible()

    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    rows = page.locator("table.audit tbody tr")
    decisions = rows.filter(has_text="Dewi Lestari")
    expect(decisions).to_have_count(3)
    expect(decisions.nth(0)).to_contain_text("Product approved and published")
    expect(decisions.nth(1)).to_contain_text("Product rejected")
    expect(decisions.nth(1)).to_contain_text(REASON)
    expect(decisions.nth(2)).to_contain_text("Business verified")
    page.get_by_label("Who (account number, or part of a name or e-mail)").fill("dewi@")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.audit tbody tr")).to_have_count(3)

    with live_server.app.app_context():
        status = db.session.scalars(sa.select(Product.status)).one()
        assert status == ProductStatus.PUBLISHED
    assert errors == []


def test_a_partnership_summary_prints_on_one_a4_page(page: Page, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER_EMAIL)
        report_world.build()
        city_id = db.session.scalars(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        ).one()
    log_in(page, live_server, OFFICER_EMAIL, PASSWORD)
    page.goto(
        live_server(f"/office/reports/partners/{city_id}/summary?from=2026-03-01&to=2026-08-31")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bandung and Braunschweig")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Trade office")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "outcomes of the partnership" in text and "Deals won" in text and "Total" in text
