"""A visitor at the Harz und Heide booth scans a shelf tag with a phone: the product opens in
German, the scan is counted, the visit is credited to the channel, and the interest the visitor
then expresses as a buyer is attributed to Harz und Heide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import session as flask_session
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role
from marketplace.channels.models import Scan
from marketplace.db import db
from marketplace.interests.models import Interest
from marketplace.visits import VISIT_KEY, current_visit_channel_id
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

PHONE = {"width": 360, "height": 740}
# A phone's own browser: a headless Chromium names itself "HeadlessChrome", a bot that is not
# counted.
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
        device_scale_factor=2,
        user_agent=PHONE_AGENT,
    )
    page = context.new_page()
    yield page
    context.close()


def _tag(live_server: LiveServer) -> tuple[str, str, int]:
    with live_server.app.app_context():
        channel = harz_und_heide(capacity=3)
        product = make_product(
            make_business(name="Awi Kriya Bandung"),
            name="Angklung diatonic set, 8 notes (C major)",
            price_idr=950_000,
            unit="set",
        )
        add_translation(
            product,
            "de",
            "Angklung-Satz diatonisch, 8 Töne (C-Dur)",
            "Acht von Hand gestimmte Angklung über eine Oktave der C-Dur-Tonleiter.",
        )
        real_photo(product)
        (nomination,) = nominate_all([product], channel)
        accept(make_officer(), nomination)
        db.session.commit()
        return str(nomination.qr_token), product.slug, channel.id


@pytest.mark.usefixtures("storefront")
def test_scanning_a_tag_on_a_phone_opens_the_product_in_german(
    phone: Page, live_server: LiveServer
) -> None:
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    token, slug, channel_id = _tag(live_server)

    phone.goto(live_server(f"/t/{token}"))

    expect(phone).to_have_url(live_server(f"/products/{slug}?lang=de"))
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text("Angklung-Satz diatonisch, 8 Töne (C-Dur)")
    expect(heading).to_have_attribute("lang", "de")
    expect(phone.get_by_text("Acht von Hand gestimmte Angklung")).to_be_visible()
    expect(phone.get_by_role("img").first).to_be_visible()
    # Phone first: nothing sticks out sideways at 360 px.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []

    with live_server.app.app_context():
        scans = db.session.scalars(sa.select(Scan)).all()
        assert [(s.channel_id, s.product_id is not None) for s in scans] == [(channel_id, True)]

    # The visit is credited to the channel: read the session the browser now carries.
    app = live_server.app
    cookie = next(
        c for c in phone.context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"]
    )
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    session = serializer.loads(cookie["value"])
    assert session[VISIT_KEY]["id"] == channel_id
    with app.test_request_context("/"):
        flask_session.update(session)
        assert current_visit_channel_id() == channel_id


@pytest.mark.usefixtures("storefront")
def test_an_interest_after_scanning_a_tag_is_attributed_to_the_channel(
    phone: Page, live_server: LiveServer
) -> None:
    token, slug, channel_id = _tag(live_server)
    with live_server.app.app_context():
        make_user(Role.BUYER, email="katrin@handelshaus.example.com", locale="de")
        db.session.commit()

    phone.goto(live_server(f"/t/{token}"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Angklung-Satz diatonisch, 8 Töne (C-Dur)"
    )
    # A German phone: the whole page speaks German.
    phone.get_by_role("link", name="Anmelden", exact=True).last.click()
    phone.get_by_label("E-Mail-Adresse").fill("katrin@handelshaus.example.com")
    phone.get_by_label("Passwort").fill(PASSWORD)
    phone.get_by_role("button", name="Anmelden").click()
    # Back on the product, in her own language (German, saved in her account).
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Angklung-Satz diatonisch, 8 Töne (C-Dur)"
    )

    phone.get_by_role("link", name="Interesse bekunden").click()
    phone.get_by_label("Menge", exact=True).fill("12")
    phone.get_by_label("Nachricht an das Unternehmen").fill("Für unseren Laden in Braunschweig.")
    phone.get_by_role("button", name="Anfrage senden").click()
    expect(phone.get_by_text("Für unseren Laden in Braunschweig.")).to_be_visible()

    with live_server.app.app_context():
        interests = db.session.scalars(sa.select(Interest)).all()
        assert [(i.channel_id, i.quantity) for i in interests] == [(channel_id, 12)]
