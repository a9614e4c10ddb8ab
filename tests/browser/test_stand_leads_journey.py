"""Leads at the Harz und Heide stand on a tablet, in Chromium: the coordinator captures three
visitors' interest; the network drops for the second and the third, which wait on the device
(the page says how many) and are sent when it returns. Exactly three interests reach the MSME,
attributed to the stand, and each visitor has a confirmation in German in the outbox."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role
from marketplace.channels import coordinators
from marketplace.db import db
from marketplace.interests.models import Interest, StandVisitor
from marketplace.mail.models import OutboxEmail
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    PASSWORD,
    add_translation,
    harz_und_heide,
    make_business,
    make_officer,
    make_product,
    make_user,
)

pytestmark = pytest.mark.usefixtures("storefront")

COORDINATOR = "jonas@harz-und-heide.example"
OWNER = "ujang@awikriya.example"
TABLET = {"width": 820, "height": 1180}
VISITORS = [
    ("Anna Becker", "anna.becker@example.de", "B-7"),
    ("Lukas Schmidt", "lukas.schmidt@example.de", "B-8"),
    ("Mia Wagner", "mia.wagner@example.de", "B-7"),
]


def _stand(live_server: LiveServer) -> int:
    with live_server.app.app_context():
        fair = harz_und_heide()
        coordinator = make_user(Role.COORDINATOR, email=COORDINATOR, name="Jonas Krüger")
        coordinators.assign_channels(make_user(Role.ADMIN), coordinator, [fair.id])
        business = make_business(make_user(Role.MSME, email=OWNER), name="Awi Kriya Bandung")
        lamp = make_product(business, name="Bamboo pendant lamp", photos=0)
        add_translation(lamp, "de", "Bambus-Pendelleuchte")
        angklung = make_product(business, name="Angklung set", photos=0)
        officer = make_officer()
        for nomination, code in zip(
            nominate_all([lamp, angklung], fair), ("B-7", "B-8"), strict=True
        ):
            accept(officer, nomination)
            nomination.shelf_code = code
        db.session.commit()
        return fair.id


def _capture(page: Page, name: str, email: str, code: str) -> None:
    page.get_by_label("Shelf code").fill(code)
    page.get_by_label("Visitor's name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Quantity").fill("6")
    page.get_by_label("The visitor agrees to be contacted").check()
    page.get_by_role("button", name="Keep the lead").click()


def test_three_leads_at_the_stand_one_online_two_offline(
    browser: Browser, live_server: LiveServer
) -> None:
    _stand(live_server)
    context = browser.new_context(viewport=TABLET, locale="en-GB", has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    log_in(page, live_server, COORDINATOR, PASSWORD)
    page.get_by_role("link", name="Stands").click()
    page.get_by_role("link", name="Harz und Heide").click()
    page.get_by_role("link", name="Take leads at the stand").click()
    # At a fair in Braunschweig the visitor's language starts as German, and so does the
    # consent the coordinator reads out.
    expect(page.get_by_label("Visitor's language")).to_have_value("de")
    expect(page.locator("#consent-text")).to_have_attribute("lang", "de")

    name, email, code = VISITORS[0]
    _capture(page, name, email, code)
    queue = page.locator("#lead-queue")
    expect(queue).to_have_text("Every entry is sent.")

    context.set_offline(True)
    for name, email, code in VISITORS[1:]:
        _capture(page, name, email, code)
    expect(queue).to_contain_text("2 entries not sent yet")
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Interest.id))) == 1
    # Nothing is lost when the page is opened again while still offline: the device keeps them.
    stored = page.evaluate("Object.keys(localStorage).map(k => localStorage.getItem(k))")
    assert any("Lukas Schmidt" in value and "Mia Wagner" in value for value in stored)

    context.set_offline(False)
    expect(queue).to_have_text("Every entry is sent.", timeout=20_000)

    with live_server.app.app_context():
        interests = db.session.execute(
            sa.select(Interest, StandVisitor).join(Interest.visitor).order_by(Interest.id)
        ).all()
        assert [visitor.name for _i, visitor in interests] == [v[0] for v in VISITORS]
        assert all(
            i.channel is not None and i.channel.slug == "harz-und-heide" for i, _v in interests
        )
        assert all(i.buyer_id is None and i.quantity == 6 for i, _v in interests)
        assert [i.product.name for i, _v in interests] == [
            "Bamboo pendant lamp",
            "Angklung set",
            "Bamboo pendant lamp",
        ]
        for _name, address, _code in VISITORS:
            (mail,) = db.session.scalars(
                sa.select(OutboxEmail).where(OutboxEmail.to_address == address)
            ).all()
            assert mail.body.startswith("Guten Tag") and "Harz und Heide" in mail.body
    page.get_by_role("button", name="Log out").click()

    # The MSME finds the three in its interests, from the stand.
    log_in(page, live_server, OWNER, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Interests").click()
    for name, _email, _code in VISITORS:
        expect(page.get_by_role("link", name=name, exact=False)).to_be_visible()
    expect(page.get_by_text("at the stand of Harz und Heide")).to_have_count(3)
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()
