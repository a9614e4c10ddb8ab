"""The office's outcome reports as people read them in Chromium: every chart label is at least
12 px as rendered on a 1366 px screen, on a phone and on paper, and every report table fits a
1366 x 768 screen with its value and currency columns in view, without scrolling sideways."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.reference.models import PartnerCity
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_user
from tests.office import report_world

pytestmark = pytest.mark.usefixtures("storefront")

OFFICER_EMAIL = "dewi@dinas.bandung.go.id"
DATES = "from=2026-03-01&to=2026-08-31"
SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# A4 less the print margins (12 mm each side), in CSS pixels (96 per inch).
PAPER = {"width": round((210 - 24) / 25.4 * 96), "height": round((297 - 24) / 25.4 * 96)}
SMALLEST = 12.0

# Every chart text's rendered size: its computed font size times the scale of the SVG.
LABEL_SIZES = """() => [...document.querySelectorAll('svg.chart text')].map(text => {
  const box = text.getBoundingClientRect();
  const scale = text.getScreenCTM().a;
  return {
    text: text.textContent, size: parseFloat(getComputedStyle(text).fontSize) * scale,
    height: box.height, left: box.left, right: box.right,
  };
})"""
# Every report table: the right edge of its last column's cells, and whether its scroll box
# hides anything sideways.
TABLE_EDGES = """() => [...document.querySelectorAll('table.report-table')].map(table => {
  const wrap = table.closest('.table-wrap');
  const last = [...table.rows].map(
    row => row.cells[row.cells.length - 1].getBoundingClientRect().right);
  return {
    caption: table.caption ? table.caption.textContent : '', right: Math.max(...last),
    hidden: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
    headers: [...table.querySelectorAll('thead th')].map(th => th.textContent),
  };
})"""


@pytest.fixture
def officer_page(page: Page, live_server: LiveServer) -> tuple[Page, int]:
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER_EMAIL)
        report_world.build()
        city_id = db.session.scalars(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        ).one()
        db.session.commit()
    log_in(page, live_server, OFFICER_EMAIL, PASSWORD)
    return page, city_id


def _pages(live_server: LiveServer, city_id: int) -> list[str]:
    return [
        *(
            live_server(f"/office/reports?by={by}&{DATES}")
            for by in ("partner", "channel", "subsector", "country")
        ),
        live_server(f"/office/reports/partners/{city_id}/summary?{DATES}"),
    ]


def _labels(page: Page) -> list[dict[str, Any]]:
    labels: list[dict[str, Any]] = page.evaluate(LABEL_SIZES)
    assert labels, "no chart text on the page"
    return labels


def _check_labels(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.clientWidth")
    for label in _labels(page):
        assert label["size"] >= SMALLEST, (where, label)
        assert label["height"] >= SMALLEST, (where, label)
        assert label["right"] <= width + 0.5, (where, width, label)  # not cut off at the right


def test_chart_labels_are_at_least_12_px_on_a_screen_a_phone_and_paper(
    officer_page: tuple[Page, int], live_server: LiveServer
) -> None:
    page, city_id = officer_page
    for url in _pages(live_server, city_id)[1:]:  # per channel, subsector, country; a summary
        for name, size, media in (
            ("screen", SCREEN, "screen"),
            ("phone", PHONE, "screen"),
            ("paper", PAPER, "print"),
        ):
            page.set_viewport_size(size)
            page.emulate_media(media=media)  # type: ignore[arg-type]
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            _check_labels(page, f"{name} {url}")
    page.emulate_media(media="screen")


def test_every_report_table_fits_a_1366_screen(
    officer_page: tuple[Page, int], live_server: LiveServer
) -> None:
    page, city_id = officer_page
    page.set_viewport_size(SCREEN)
    for url in _pages(live_server, city_id):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("() => document.documentElement.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, url
        tables = page.evaluate(TABLE_EDGES)
        assert tables, url
        for table in tables:
            assert table["right"] <= width, (url, table)
            assert table["hidden"] <= 0, (url, table)  # nothing to scroll to sideways
        headers = [header for table in tables for header in table["headers"]]
        if "summary" not in url:
            assert "Export value (IDR)" in headers and "Partner's currency" in headers
