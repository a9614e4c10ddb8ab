"""Braunschweig's city website shows the Harz und Heide line-up: the partner copies the code
from the channel's page into a page of its own site (another origin), where the line-up
appears in German with euro prices, and a product opens in a new tab through the channel. The
channel's own page, framed the same way, is refused by the browser."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import BaseWSGIServer, make_server

from marketplace.db import db
from marketplace.periods import bandung_today
from tests.browser.conftest import LiveServer
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    add_translation,
    harz_und_heide,
    make_business,
    make_officer,
    make_product,
    real_photo,
    set_rate,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


class PartnerSite:
    """A page of the partner's own website, on another port: what its editor pasted."""

    def __init__(self) -> None:
        self.body = ""
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, self.serve)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def serve(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        page = (
            '<!doctype html><html lang="de"><head><meta charset="utf-8">'
            "<title>Braunschweig: Partnerstadt Bandung</title></head><body>"
            f"<h1>Partnerstadt Bandung</h1>{self.body}</body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]


@pytest.fixture
def partner_site() -> Iterator[PartnerSite]:
    site = PartnerSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def public_address(live_server: LiveServer) -> Iterator[None]:
    """The app's public address is the live server's: the code to copy names it."""
    saved = live_server.app.config["BASE_URL"]
    live_server.app.config["BASE_URL"] = live_server.url
    yield
    live_server.app.config["BASE_URL"] = saved


def _lineup(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        channel = harz_und_heide(capacity=3)
        product = make_product(
            make_business(name="Awi Kriya Bandung"),
            name="Bamboo pendant lamp",
            price_idr=375_000,
        )
        add_translation(product, "de", "Bambus-Hängeleuchte", "Aus Bambus geflochten.")
        real_photo(product)
        (nomination,) = nominate_all([product], channel)
        accept(make_officer(), nomination)
        set_rate("EUR", "17500", bandung_today() - timedelta(days=2))
        db.session.commit()


@pytest.mark.usefixtures("storefront", "public_address")
def test_a_partner_site_shows_the_line_up_from_the_copied_code(
    page: Page, browser: Browser, live_server: LiveServer, partner_site: PartnerSite
) -> None:
    _lineup(live_server)
    page.goto(live_server("/channels/harz-und-heide?lang=en"))
    page.get_by_text("Show this line-up on your website").click()
    code = page.get_by_label("Copy this code into a page of your website.")
    expect(code).to_be_visible()
    expect(code).to_have_attribute("readonly", "")
    snippet = code.input_value()
    assert snippet.startswith(f'<iframe src="{live_server.url}/embed/channels/harz-und-heide?')

    # The partner pastes it into its own page, and frames the channel's page too (refused);
    # a resident of Braunschweig reads it.
    refused = f'<iframe src="{live_server.url}/channels/harz-und-heide" title="Page"></iframe>'
    partner_site.body = snippet + refused
    resident = browser.new_context(locale="de-DE")
    reader = resident.new_page()
    reader.goto(partner_site.url)
    lineup = reader.frame_locator('iframe[title="Harz und Heide"]')
    expect(lineup.get_by_role("heading", level=1)).to_have_text("Harz und Heide")
    product = lineup.get_by_role("link", name="Bambus-Hängeleuchte")
    expect(product).to_be_visible()
    expect(lineup.get_by_role("img", name="Bambus-Hängeleuchte, Foto 1")).to_be_visible()
    expect(lineup.get_by_text("≈ 21,43 €")).to_be_visible()
    framed = [frame for frame in reader.frames if frame is not reader.main_frame]
    channel_frame = next(f for f in framed if "/embed/" not in f.url)
    assert channel_frame.url.startswith("chrome-error://"), channel_frame.url

    # The product opens in a new tab, through the channel (the visit is credited to it).
    with resident.expect_page() as opened:
        product.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.startswith(live_server("/products/bamboo-pendant-lamp")), tab.url
    expect(tab.get_by_role("heading", level=1)).to_have_text("Bambus-Hängeleuchte")
    resident.close()
