"""An announcement in Chromium: an officer writes the call for Harz und Heide 2027 to the crafts
MSMEs, sees whom it reaches, sends it (twice pressed, sent once); an Indonesian-reading owner
follows the notification, reads the Indonesian text, and the office's page counts the reading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_business, make_user

pytestmark = pytest.mark.usefixtures("storefront")

OFFICER = "dewi@dinas.bandung.go.id"
OWNER = "ujang@awikriya.example"
PHONE = {"width": 390, "height": 844}


def test_the_office_tells_the_crafts_msmes_and_sees_who_read_it(
    browser: Browser, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER, name="Dewi Lestari")
        owner = make_user(Role.MSME, email=OWNER, name="Ujang Suparman", locale="id")
        make_business(owner, name="Awi Kriya Bandung", subsector_code="kriya")
        make_business(name="Batik Sekar Jagad", subsector_code="fesyen")
        db.session.commit()
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()

    log_in(page, live_server, OFFICER, PASSWORD)
    page.get_by_role("link", name="Office").click()
    page.get_by_role("link", name="Announcements").click()
    page.get_by_role("link", name="Write an announcement").click()
    page.get_by_label("Title in Indonesian").fill("Pendaftaran Harz und Heide 2027")
    page.get_by_label("Text in Indonesian").fill("Nominasikan produk Anda sebelum Februari.")
    page.get_by_label("Title in English").fill("Harz und Heide 2027: nominations open")
    page.get_by_label("Text in English").fill("Nominate your products by February.")
    page.get_by_role("group", name="Subsectors").get_by_label("Crafts").check()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name="It will reach 1 MSME")).to_be_visible()
    expect(page.get_by_text("Awi Kriya Bandung")).to_be_visible()
    expect(page.get_by_text("Batik Sekar Jagad")).to_have_count(0)
    send = page.get_by_role("button", name="Send to 1 MSME")
    send.dblclick()
    expect(page.get_by_role("heading", name="Sent to 1 MSME, read by 0")).to_be_visible()
    office_page = page.url
    page.get_by_role("button", name="Log out").click()

    # The owner reads Indonesian: the site speaks it once she is signed in.
    page.goto(live_server("/auth/login"))
    page.get_by_label("E-mail address").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=re.compile("^Notifikasi")).click()
    page.get_by_role("link", name="Pendaftaran Harz und Heide 2027").click()
    expect(page.get_by_role("heading", name="Pendaftaran Harz und Heide 2027")).to_be_visible()
    expect(page.get_by_text("Nominasikan produk Anda sebelum Februari.")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()

    log_in(page, live_server, OFFICER, PASSWORD)
    page.goto(office_page)
    expect(page.get_by_role("heading", name="Sent to 1 MSME, read by 1")).to_be_visible()
    context.close()
