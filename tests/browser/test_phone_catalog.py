"""The catalog and the search on a phone (390 x 844, touch), on the demo data: the first result
starts within the first screen, the search box's text is at least 16 px (smaller text makes
phones zoom in when it gets focus), and the "Filters" control opens the folded filters with a
tap; a filter applied by touch narrows the results and stays listed, removable, while the
panel is folded again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser, app: Flask, demo_images_once: None) -> Iterator[Page]:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3, locale="en-GB"
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def _results(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"\d+ products?"))


def _first_result_in_first_screen(page: Page) -> None:
    first = _results(page).get_by_role("listitem").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < PHONE["height"], f"first result starts at {box['y']} px"
    assert page.evaluate("window.scrollY") == 0


def _font_size(field: Locator) -> float:
    return float(field.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def _filters_control(page: Page) -> Locator:
    # A <summary>: no ARIA role of its own, found by its visible words.
    return page.get_by_text(re.compile(r"^Filters")).filter(visible=True)


def test_catalog_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    page = phone
    page.goto(live_server("/catalog"))
    _first_result_in_first_screen(page)
    assert _font_size(page.get_by_label("Search products")) >= 16

    channel = page.get_by_label("Channel")
    expect(channel).to_be_hidden()  # folded away
    _filters_control(page).tap()
    expect(channel).to_be_visible()
    channel.select_option(label="Harz und Heide")
    page.get_by_role("button", name="Apply filters").tap()

    expect(page).to_have_url(re.compile(r"[?&]channel=harz-und-heide"))
    expect(page.get_by_label("Channel")).to_be_hidden()  # folded again
    expect(_filters_control(page)).to_have_text(re.compile(r"Filters\s*1"))
    chip = page.get_by_role("link", name="Remove filter Channel: Harz und Heide")
    expect(chip).to_be_visible()
    expect(_results(page)).to_contain_text("Angklung diatonic set")
    expect(_results(page)).not_to_contain_text("Woven bamboo storage basket")
    _first_result_in_first_screen(page)

    chip.tap()
    expect(page).not_to_have_url(re.compile("channel="))
    expect(_results(page)).to_contain_text("Woven bamboo storage basket")


def test_search_on_a_phone(phone: Page, live_server: LiveServer) -> None:
    page = phone
    page.goto(live_server("/search?q=bamboo"))
    _first_result_in_first_screen(page)
    search = page.get_by_label("Search products")
    assert _font_size(search) >= 16
    expect(search).to_have_value("bamboo")

    _filters_control(page).tap()
    page.get_by_label("Partner city").select_option(label="Braunschweig")
    page.get_by_role("button", name="Apply filters").tap()

    expect(page).to_have_url(re.compile(r"q=bamboo.*city=\d+"))
    expect(
        page.get_by_role("link", name="Remove filter Partner city: Braunschweig")
    ).to_be_visible()
    results = _results(page)
    expect(results).to_contain_text("Bamboo pendant lamp")
    expect(results).not_to_contain_text("Woven bamboo storage basket")  # not at the fair
    _first_result_in_first_screen(page)
    expect(page.get_by_label("Search products")).to_have_value("bamboo")
