"""Products from a spreadsheet in Chromium: an owner downloads the template from their product
list, fills it in (three products, one with a wrong HS code), uploads it, sees the preview with
the one bad row and why, imports the other two, and finds them as drafts in their product list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_business, make_user

pytestmark = pytest.mark.usefixtures("storefront")

OWNER = "siti@anyamrotan.example"
PHONE = {"width": 390, "height": 844}


def fill_in(template: bytes) -> bytes:
    """The template as an owner fills it in: three products under its column names (the row of
    notes deleted, as people do), saved as CSV with semicolons, as Indonesian Excel does."""
    header = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))[0]
    products = [
        {
            "Name (English)": "Rattan tray",
            "Name (Bahasa Indonesia)": "Nampan rotan",
            "Creative subsector": "Kriya",
            "HS code": "4602.12.00",
            "Price in rupiah (IDR)": "85.000",
            "Price per": "piece",
            "Minimum order quantity": "24",
            "Lead time in days": "10",
        },
        {"Name (English)": "Rattan basket", "HS code": "46O2", "Price in rupiah (IDR)": "120000"},
        {"Name (English)": "Rattan lamp", "Creative subsector": "kriya", "Price per": "set"},
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for product in products:
        writer.writerow([product.get(name, "") for name in header])
    return buffer.getvalue().encode("utf-8")


def test_an_owner_imports_products_from_a_spreadsheet(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    with live_server.app.app_context():
        owner = make_user(Role.MSME, email=OWNER, name="Siti Rahayu")
        make_business(owner, name="Anyam Rotan Bandung", subsector_code="kriya")
        db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, OWNER, PASSWORD)
    page.get_by_role("link", name="My business").click()
    expect(page.get_by_role("heading", name="Products")).to_be_visible()
    page.get_by_role("link", name="Add or change products with a spreadsheet").click()
    expect(page.get_by_role("heading", name="Products from a spreadsheet", level=1)).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Template as CSV (English)").click()
    assert info.value.suggested_filename == "products-template-en.csv"
    filled = tmp_path / "my-products.csv"
    filled.write_bytes(fill_in(info.value.path().read_bytes()))

    page.get_by_label("Spreadsheet file (CSV or XLSX)").set_input_files(filled)
    page.get_by_role("button", name="Upload and check").click()
    expect(
        page.get_by_role("heading", name="Check the rows before they are imported")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="1 row with mistakes")).to_be_visible()
    mistakes = page.get_by_role("region", name="1 row with mistakes")
    bad = mistakes.get_by_role("row").filter(has_text="Rattan basket")
    expect(bad).to_contain_text("3")
    expect(bad).to_contain_text("HS code")
    expect(bad).to_contain_text("The HS code has 6 to 10 digits.")
    good = page.get_by_role("region", name="2 rows without mistakes")
    expect(good.get_by_role("row").filter(has_text="Rattan tray")).to_contain_text(
        "Added as a draft"
    )
    expect(good.get_by_role("row").filter(has_text="Rattan lamp")).to_be_visible()

    page.get_by_role("button", name="Import 2 products").click()
    expect(page.get_by_text("2 products added as drafts.")).to_be_visible()
    expect(page.get_by_role("heading", name="Anyam Rotan Bandung", level=1)).to_be_visible()
    for name in ("Rattan tray", "Rattan lamp"):
        item = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=name, level=3)
        )
        expect(item).to_contain_text("Draft")
    expect(page.get_by_role("heading", name="Rattan basket")).to_have_count(0)
    context.close()
