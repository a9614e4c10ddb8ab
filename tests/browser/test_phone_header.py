"""The header on a phone (390 x 844, touch) in Korean and Chinese: the language switch's label
and button stay whole, each on one line (Korean and Chinese words may otherwise break between
any two characters), and nothing sticks out sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator

from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}


def _lines(target: Locator) -> int:
    """How many lines the element's text runs over."""
    return int(
        target.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return r.getClientRects().length; }"
        )
    )


@pytest.mark.parametrize(
    ("locale", "label", "button"), [("ko-KR", "언어", "변경"), ("zh-CN", "语言", "切换")]
)
def test_the_language_switch_stays_on_one_line(
    browser: Browser, live_server: LiveServer, locale: str, label: str, button: str
) -> None:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3, locale=locale
    )
    try:
        page = context.new_page()
        page.goto(live_server("/"))
        switch = page.get_by_role("combobox", name=label)
        change = page.get_by_role("button", name=button, exact=True)
        assert _lines(page.locator("label[for=lang-select]")) == 1
        assert _lines(change) == 1
        field, press = switch.bounding_box(), change.bounding_box()
        assert field is not None and press is not None
        # Side by side, the button no taller than the list it belongs to.
        assert abs(press["y"] - field["y"]) < field["height"]
        assert press["height"] <= field["height"] + 8
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
