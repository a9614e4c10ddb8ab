"""Business matching for the Petaling Jaya exchange in Chromium: the office creates the event
(20-minute meetings, Kuala Lumpur's time); two MSMEs and two buyers register; one buyer asks
an MSME for 10:00 and the MSME accepts, while the other buyer, who had the same form open,
is refused that slot with a clear message; then the buyer and the MSME take their agendas
along as a PDF and a calendar file, whose meeting starts at 10:00 in Kuala Lumpur."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from marketplace.accounts.models import BuyerProfile, BuyerType, Role
from marketplace.db import db
from marketplace.matching.agenda import slot_text
from marketplace.periods import bandung_today
from tests.browser.conftest import LiveServer
from tests.browser.test_storefront_journey import log_in
from tests.factories import PASSWORD, make_business, make_user
from tests.matching.helpers import KL, kl_time, petaling_jaya

pytestmark = pytest.mark.usefixtures("storefront")

OFFICER = "dewi@dinas.bandung.go.id"
MSMES = {"awi@kriya.example": "Awi Kriya Bandung", "sekar@batik.example": "Batik Sekar Jagad"}
BUYERS = {"aisyah@kedaikraf.example": "Kedai Kraf Sdn Bhd", "tan@pjliving.example": "PJ Living"}
PHONE = {"width": 390, "height": 844}


def _world(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        make_user(Role.OFFICER, email=OFFICER, name="Dewi Lestari")
        for email, name in MSMES.items():
            make_business(make_user(Role.MSME, email=email, name=f"Owner of {name}"), name=name)
        for email, company in BUYERS.items():
            buyer = make_user(Role.BUYER, email=email, name=f"Buyer at {company}")
            buyer.buyer_profile = BuyerProfile(
                company=company,
                buyer_type=BuyerType.RETAILER,
                city="Petaling Jaya",
                country_code="MY",
                partner_city=petaling_jaya(),
            )
        db.session.commit()


def _as(browser: Browser, live_server: LiveServer, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, email, PASSWORD)
    return context, page


def _create_event(page: Page) -> None:
    first = bandung_today() + timedelta(days=14)
    page.get_by_role("link", name="Office", exact=True).click()
    page.get_by_role("link", name="Business matching").click()
    page.get_by_role("link", name="New matching event").click()
    page.get_by_label("Name", exact=True).fill("Petaling Jaya creative-economy matching")
    page.get_by_label("Partner city").select_option(label="Petaling Jaya")
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day").fill((first + timedelta(days=1)).isoformat())
    page.get_by_label("Time zone").select_option(label=f"Petaling Jaya ({KL})")
    page.get_by_label("Place", exact=True).fill("PJ City Council auditorium, Petaling Jaya")
    page.get_by_label("Meeting length in minutes").fill("20")
    page.get_by_label("Daily session windows").fill("10:00-12:00, 14:00-16:00")
    page.get_by_label("Open for registration now").check()
    page.get_by_role("button", name="Create the event").click()
    expect(
        page.get_by_text("The event Petaling Jaya creative-economy matching is created.")
    ).to_be_visible()
    expect(page.get_by_text("24 slots in all.")).to_be_visible()


def _register(page: Page, msme: bool, text: str) -> None:
    if msme:
        page.get_by_role("link", name="My business").click()
        page.get_by_role("link", name="Business matching: meet buyers at events").click()
    else:
        page.get_by_role("link", name="Account").click()
        page.get_by_role("link", name="Business matching: meet Bandung's MSMEs at events").click()
    page.get_by_role("link", name="Petaling Jaya creative-economy matching").click()
    page.get_by_label("What we offer" if msme else "What we seek").fill(text)
    page.get_by_label("Crafts").check()
    page.get_by_role("button", name="Register for the event").click()
    expect(
        page.get_by_text("You are registered for Petaling Jaya creative-economy matching.")
    ).to_be_visible()


def _open_request_form(page: Page, msme_name: str) -> None:
    """From the list of MSMEs the buyer landed on after registering, to one MSME's page."""
    page.get_by_role("link", name=msme_name).click()
    expect(page.get_by_role("heading", name="Ask for a meeting")).to_be_visible()


def _calendar_starts(page: Page) -> list[Any]:
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to your calendar (.ics)").click()
    path = info.value.path()
    calendar = Calendar.from_ical(path.read_bytes())
    return [event.decoded("dtstart") for event in calendar.walk("VEVENT")]


def _agenda(page: Page, live_server: LiveServer, with_whom: str, expected_text: str) -> None:
    page.get_by_role("link", name="Your agenda").click()
    row = page.get_by_role("row").filter(has_text=with_whom)
    expect(row).to_contain_text("Confirmed")
    expect(row).to_contain_text(expected_text)
    href = page.get_by_role("link", name="Agenda (PDF)").get_attribute("href")
    pdf = page.request.get(live_server(str(href)))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert with_whom in text and "Confirmed" in text


def test_petaling_jaya_matching_from_the_event_to_the_agendas(
    browser: Browser, live_server: LiveServer
) -> None:
    _world(live_server)
    first = bandung_today() + timedelta(days=14)
    start, end = kl_time(first, "10:00"), kl_time(first, "10:20")
    ten_in_kl = slot_text(start, end, KL, "en")
    errors: list[str] = []

    office, page = _as(browser, live_server, OFFICER)
    _create_event(page)
    office.close()

    people: dict[str, tuple[BrowserContext, Page]] = {}
    for email, name in MSMES.items():
        people[email] = _as(browser, live_server, email)
        _register(people[email][1], True, f"{name}: bamboo and batik, made in Bandung.")
    for email, company in BUYERS.items():
        people[email] = _as(browser, live_server, email)
        _register(people[email][1], False, f"{company} seeks crafts for shops in Selangor.")
    for _context, person in people.values():
        person.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    awi_email, aisyah_email, tan_email = "awi@kriya.example", *BUYERS
    awi, aisyah, tan = (people[e][1] for e in (awi_email, aisyah_email, tan_email))

    # Both buyers open Awi Kriya's page; the second keeps the form open with 10:00 chosen.
    _open_request_form(tan, "Awi Kriya Bandung")
    tan.get_by_label("Time").select_option(label=ten_in_kl)
    _open_request_form(aisyah, "Awi Kriya Bandung")
    aisyah.get_by_label("Time").select_option(label=ten_in_kl)
    aisyah.get_by_label("Note for them (optional)").fill("We would like 200 bamboo lamps.")
    aisyah.get_by_role("button", name="Ask for the meeting").click()
    expect(
        aisyah.get_by_text("Your request is sent. You will hear when they answer.")
    ).to_be_visible()

    # The MSME hears of it and accepts.
    awi.get_by_role("link", name="Notifications").click()
    awi.get_by_role("link", name="Kedai Kraf Sdn Bhd asks to meet you", exact=False).click()
    expect(awi.get_by_text("We would like 200 bamboo lamps.")).to_be_visible()
    awi.get_by_role("button", name="Accept").click()
    expect(awi.get_by_text("The meeting is accepted.")).to_be_visible()

    # The second request for the same slot is refused, and the slot is no longer offered.
    tan.get_by_role("button", name="Ask for the meeting").click()
    expect(tan.get_by_text("This slot was just taken: choose another one.")).to_be_visible()
    assert ten_in_kl not in tan.get_by_label("Time").inner_text()

    # Both take their agenda along: the page, the PDF and the calendar file.
    aisyah.get_by_role("link", name="Petaling Jaya creative-economy matching").first.click()
    _agenda(aisyah, live_server, "Awi Kriya Bandung", ten_in_kl)
    (buyer_start,) = _calendar_starts(aisyah)
    awi.get_by_role("link", name="Petaling Jaya creative-economy matching").first.click()
    bandung_time = slot_text(start, end, "Asia/Jakarta", "en")  # 09:00 WIB
    _agenda(awi, live_server, "Kedai Kraf Sdn Bhd", bandung_time)
    (msme_start,) = _calendar_starts(awi)
    for moment in (buyer_start, msme_start):
        local = moment.astimezone(ZoneInfo(KL))
        assert (local.date(), local.hour, local.minute) == (first, 10, 0)
        assert moment.astimezone(ZoneInfo("UTC")) == start
    assert str(msme_start.tzinfo) == "Asia/Jakarta" and msme_start.hour == 9
    # The one error a browser reports: the status of the refused request's page.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    for context, _page in people.values():
        context.close()
