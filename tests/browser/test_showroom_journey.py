"""A month at Little Bandung in Chromium: the office accepts two products; the showroom's
coordinator records a shipment of 20, receives and shelves them, sells 7 over two days in won,
sends 3 back and writes 1 off as damaged, leaving 9 on hand; the office issues the month's
settlement statement (page, PDF and CSV, checked against a computation from the raw sale rows),
marks it paid, and the MSME finds it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from marketplace.accounts.models import Role
from marketplace.channels import coordinators
from marketplace.channels.curation import nominate
from marketplace.db import db
from marketplace.money import format_rupiah
from marketplace.stock.models import Sale
from marketplace.stock.periods import period_before
from marketplace.stock.services import channel_today
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import (
    PASSWORD,
    little_bandung,
    make_business,
    make_product,
    make_user,
    set_rate,
)

pytestmark = pytest.mark.usefixtures("storefront")

OFFICER = "dewi@dinas.bandung.go.id"
COORDINATOR = "minji@littlebandung.example"
OWNER = "ujang@awikriya.example"
TABLET = {"width": 820, "height": 1180}


def _world(live_server: LiveServer) -> date:
    """Little Bandung (won, 20 % commission), two nominated products of one MSME, the officer,
    the coordinator; the rates of the won. Returns the first day of last month at the channel."""
    with live_server.app.app_context():
        channel = little_bandung(commission_percent=Decimal("20"))
        make_user(Role.OFFICER, email=OFFICER, name="Dewi Lestari")
        admin = make_user(Role.ADMIN)
        coordinator = make_user(Role.COORDINATOR, email=COORDINATOR, name="Kim Min-ji")
        coordinators.assign_channels(admin, coordinator, [channel.id])
        owner = make_user(Role.MSME, email=OWNER, name="Ujang Suparman")
        business = make_business(owner, name="Awi Kriya Bandung")
        for name, price in (("Bamboo pendant lamp", 650_000), ("Angklung set", 950_000)):
            product = make_product(business, name=name, price_idr=price, photos=0)
            nominate(product, owner, channel)
        start = period_before(channel, channel_today(channel))[0]
        set_rate("KRW", "11.62", start - timedelta(days=30))
        set_rate("KRW", "11.85", start + timedelta(days=3))
        db.session.commit()
        return start


def _accept_both(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, OFFICER, PASSWORD)
    page.get_by_role("link", name="Curation").click()
    page.get_by_role("link", name="Little Bandung").click()
    for name in ("Bamboo pendant lamp", "Angklung set"):
        card = page.locator("li.card").filter(has=page.get_by_role("heading", name=name))
        card.get_by_label("Accept").check()
        card.get_by_label("Reason (the MSME sees it)").fill("Fits the showroom's café wall.")
        card.get_by_role("button", name="Decide").click()
        expect(page.locator(".flash-success")).to_be_visible()
    page.get_by_role("button", name="Log out").click()


def _coordinator_month(page: Page, live_server: LiveServer, start: date) -> None:
    log_in(page, live_server, COORDINATOR, PASSWORD)
    page.get_by_role("link", name="Stands").click()
    page.get_by_role("link", name="Little Bandung").click()
    page.get_by_role("link", name="Record a shipment from Awi Kriya Bandung").click()
    page.get_by_label("Bamboo pendant lamp").fill("20")
    page.get_by_label("Shipped on").fill(start.isoformat())
    page.get_by_role("button", name="Record the shipment").click()
    expect(
        page.get_by_text("Pieces in all").or_(page.get_by_role("link", name="Packing list (PDF)"))
    ).to_be_visible()

    page.get_by_role("link", name="Bamboo pendant lamp").click()
    stock_page = page.url

    def move(what: str, pieces: int, day: date, code: str | None = None) -> None:
        page.get_by_label("What happened").select_option(label=what)
        page.get_by_label("Pieces", exact=True).fill(str(pieces))
        page.get_by_label("Date", exact=True).fill(day.isoformat())
        if code:
            page.get_by_label("Shelf or booth code").fill(code)
        page.get_by_role("button", name="Record the movement").click()
        expect(page.locator(".flash-success")).to_be_visible()

    def sell(pieces: int, price: str, day: date) -> None:
        page.get_by_label("Pieces sold").fill(str(pieces))
        page.get_by_label("Price of one piece (KRW)").fill(price)
        page.get_by_label("Sold on").fill(day.isoformat())
        page.get_by_role("button", name="Record the sale").click()
        expect(page.locator(".flash-success")).to_be_visible()

    move("Received at the channel", 20, start + timedelta(days=1))
    move("Put on the shelf", 20, start + timedelta(days=1), code="b-2")
    sell(4, "55,000", start + timedelta(days=2))  # at the rate of 11.62
    sell(3, "55000", start + timedelta(days=3))  # at the rate of 11.85
    move("Sent back to the MSME", 3, start + timedelta(days=5))
    move("Damaged", 1, start + timedelta(days=5))
    assert page.url == stock_page
    expect(page.locator("#on-hand")).to_have_text("9")
    page.get_by_role("link", name="Stock at Little Bandung").click()
    row = page.get_by_role("row").filter(has_text="Bamboo pendant lamp")
    expect(row).to_contain_text("B-2")
    expect(row.get_by_role("cell").nth(4)).to_have_text("9")
    page.get_by_role("button", name="Log out").click()


def _expected(app: Flask, percent: Decimal) -> tuple[int, int, int]:
    """Gross, commission and net payable in rupiah, from the raw sale rows."""
    with app.app_context():
        rows = db.session.execute(sa.select(Sale.quantity, Sale.unit_price, Sale.idr_per_unit))
        gross = sum(
            int((Decimal(price) * quantity * Decimal(rate)).quantize(Decimal(1), ROUND_HALF_UP))
            for quantity, price, rate in rows
        )
    commission = int((Decimal(gross) * percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
    return gross, commission, gross - commission


def test_a_month_at_little_bandung_ends_in_a_paid_statement(
    browser: Browser, live_server: LiveServer
) -> None:
    start = _world(live_server)
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    _accept_both(page, live_server)
    _coordinator_month(page, live_server, start)

    # 4 at 55,000 won and 11.62, 3 at 55,000 won and 11.85: every figure from the raw rows.
    gross, commission, net = _expected(live_server.app, Decimal(20))
    assert gross == round(4 * 55000 * 11.62) + round(3 * 55000 * 11.85)

    log_in(page, live_server, OFFICER, PASSWORD)
    page.get_by_role("link", name="Curation").click()
    page.get_by_role("link", name="Little Bandung").click()
    page.get_by_role("link", name="Line-up and shelf").click()
    page.get_by_role("link", name="Settlements").click()
    page.get_by_role("button", name="Issue the statement for Awi Kriya Bandung").click()
    expect(page.get_by_text("The statement for Awi Kriya Bandung is issued.")).to_be_visible()
    figures = page.locator("dl.statement-figures")
    expect(figures).to_contain_text(format_rupiah(gross, "en"))
    expect(figures).to_contain_text(format_rupiah(commission, "en"))
    expect(figures).to_contain_text(format_rupiah(net, "en"))
    expect(figures).to_contain_text("Commission (20 %)")
    expect(page.get_by_role("row").filter(has_text="Bamboo pendant lamp")).to_contain_text("9")

    pdf_link = page.get_by_role("link", name="Statement (PDF)").get_attribute("href")
    csv_link = page.get_by_role("link", name="Statement (CSV)").get_attribute("href")
    pdf = page.request.get(live_server(str(pdf_link)))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    # The PDF's text has plain spaces where the page has no-break ones.
    assert "Awi Kriya Bandung" in text
    assert format_rupiah(net, "en").replace("\xa0", " ") in text.replace("\xa0", " ")
    table = list(csv.reader(io.StringIO(page.request.get(live_server(str(csv_link))).text())))
    lamp = next(row for row in table if row[0] == "Bamboo pendant lamp")
    assert lamp[2:] == ["7", "385000.00", str(gross), "3", "9"]
    assert next(row for row in table if row[0] == "Net payable")[4] == str(net)

    page.get_by_label("Transfer reference").fill("BJB 2026/11/118")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text("The statement is marked paid.")).to_be_visible()
    expect(page.get_by_text("reference BJB 2026/11/118")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, OWNER, PASSWORD)
    page.get_by_role("link", name="My business").click()
    page.get_by_role("link", name="Stock at the channels and settlement statements").click()
    stock_row = page.get_by_role("row").filter(has_text="Bamboo pendant lamp")
    expect(stock_row.get_by_role("cell").nth(4)).to_have_text("9")
    page.get_by_role("link", name="Little Bandung:").click()
    expect(page.locator("dl.statement-figures")).to_contain_text(format_rupiah(net, "en"))
    expect(page.get_by_text("reference BJB 2026/11/118")).to_be_visible()
    assert errors == []
    context.close()
