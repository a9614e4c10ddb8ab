"""From a scan to an interest in one minute, on a phone (390 x 844, touch), once per language
pair: a Korean visitor at Little Bandung in Seoul, a German one at the Harz und Heide fair, a
Malaysian one at the Petaling Jaya exchange.

Each scans a shelf tag and reads the product in their language, the menus too, with the price in
their currency and the date of the office's rate; photo, name, price and the interest button are
in the first screen. Without an account they express interest on one screen of input; nothing
reaches the business until they confirm through the link in the outbox, which opens their buyer
account. The owner then sees one interest, attributed to the channel of the tag.

The path is measured as a person does it: taps, fields filled, and the screens that asked for
input before the confirmation mail (at most 2). The labels are the pages' own words in each
language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from playwright.sync_api import Browser, Locator, Page, expect

from marketplace.accounts.models import Role, User
from marketplace.channels.models import Channel, ChannelStatus
from marketplace.db import db
from marketplace.interests.models import Interest, PendingInterest
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from tests.browser.conftest import LiveServer
from tests.channels.helpers import accept, nominate_all, yesterday
from tests.factories import (
    PASSWORD,
    add_translation,
    make_business,
    make_officer,
    make_product,
    make_user,
    real_photo,
    set_rate,
)

pytestmark = pytest.mark.usefixtures("storefront")

PHONE = {"width": 390, "height": 844}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
OWNER_EMAIL = "dedi@awikriya.example.id"
# Before the confirmation mail: screens that asked for input, at most (issue 11, point 5).
MAX_INPUT_SCREENS = 2


@dataclass(frozen=True)
class Visitor:
    """One language pair: the browser's locale, the channel of the tag, the product's text in
    that language, and the words the pages use there."""

    locale: str
    html_lang: str
    channel: str
    channel_name: str
    currency: str
    idr_per_unit: str
    product_name: str
    product_text: str
    rupiah: str  # the price as the maker set it, as the page's language writes rupiah
    price: str  # the converted price, as the page's language writes the currency
    rate: str  # the office's rate behind it, one tap away
    country: str  # the country the form offers first: the channel's
    words: dict[str, str]
    name: str
    email: str
    message: str


VISITORS = [
    Visitor(
        locale="ko-KR",
        html_lang="ko",
        channel="little-bandung",
        channel_name="Little Bandung",
        currency="KRW",
        idr_per_unit="11.75",
        product_name="앙클룽 온음계 세트, 8음(C장조)",
        product_text="C장조 음계 한 옥타브를 이루는 손으로 조율한 앙클룽 8개입니다.",
        rupiah="Rp 950,000",
        price="≈ ₩80,851",
        rate="₩100 = Rp 1,175",
        country="KR",
        words={
            "menu": "카탈로그",
            "express": "관심 표명하기",
            "quantity": "수량",
            "message": "기업에 보낼 메시지",
            "name": "이름",
            "email": "이메일 주소",
            "country": "국가",
            "send": "문의 보내기",
            "inbox": "받은편지함을 확인해 주십시오",
            "password": "비밀번호",
        },
        name="김민준",
        email="minjun.kim@example.kr",
        message="홍대 카페에 놓을 세트가 필요합니다. 서울까지 배송되나요?",
    ),
    Visitor(
        locale="de-DE",
        html_lang="de",
        channel="harz-und-heide",
        channel_name="Harz und Heide",
        currency="EUR",
        idr_per_unit="17500",
        product_name="Angklung-Satz diatonisch, 8 Töne (C-Dur)",
        product_text="Acht von Hand gestimmte Angklung über eine Oktave der C-Dur-Tonleiter.",
        rupiah="950.000 Rp",
        price="≈ 54,29 €",
        rate="1 € = 17.500 Rp",
        country="DE",
        words={
            "menu": "Katalog",
            "express": "Interesse bekunden",
            "quantity": "Menge",
            "message": "Nachricht an das Unternehmen",
            "name": "Ihr Name",
            "email": "E-Mail-Adresse",
            "country": "Land",
            "send": "Anfrage senden",
            "inbox": "Bitte prüfen Sie Ihren Posteingang",
            "password": "Passwort",
        },
        name="Jonas Becker",
        email="jonas.becker@example.de",
        message="Für die Musikschule in Braunschweig. Liefern Sie nach Deutschland?",
    ),
    Visitor(
        locale="ms-MY",
        html_lang="ms",
        channel="petaling-jaya-creative-exchange",
        channel_name="Petaling Jaya",
        currency="MYR",
        idr_per_unit="3700",
        product_name="Set angklung diatonik, 8 not (C major)",
        product_text="Lapan angklung yang ditala dengan tangan, meliputi satu oktaf C major.",
        rupiah="Rp 950,000",
        price="≈ RM 256.76",
        rate="RM 1 = Rp 3,700",
        country="MY",
        words={
            "menu": "Katalog",
            "express": "Nyatakan minat",
            "quantity": "Kuantiti",
            "message": "Mesej kepada perniagaan",
            "name": "Nama anda",
            "email": "Alamat e-mel",
            "country": "Negara",
            "send": "Hantar minat",
            "inbox": "Semak peti masuk anda",
            "password": "Kata laluan",
        },
        name="Nurul Aisyah",
        email="nurul.aisyah@example.my",
        message="Untuk sekolah muzik kami di Petaling Jaya. Boleh hantar ke Malaysia?",
    ),
]


@dataclass
class Measured:
    """A person's path through the pages: every tap, every field filled, and where."""

    page: Page
    taps: int = 0
    fields: int = 0
    input_screens: list[str] = field(default_factory=list)

    def tap(self, target: Locator) -> None:
        target.tap()
        self.taps += 1
        # The next page whole, photos included, as a person sees it before acting again (and
        # no photo download is cut off by the next tap).
        self.page.wait_for_load_state("load")

    def fill(self, target: Locator, value: str) -> None:
        target.fill(value)
        self.fields += 1
        screen = urlsplit(self.page.url).path
        if screen not in self.input_screens:
            self.input_screens.append(screen)


@pytest.fixture
def browser_of(browser: Browser) -> Iterator[object]:
    contexts = []

    def open_phone(locale: str) -> Page:
        context = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            device_scale_factor=3,
            user_agent=PHONE_AGENT,
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


@dataclass(frozen=True)
class Tag:
    token: str
    slug: str
    channel_id: int
    rate_date: date


def _tag(live_server: LiveServer, visitor: Visitor) -> Tag:
    """The channel showing the angklung set, its printed tag, and the office's rate."""
    with live_server.app.app_context():
        channel = db.session.scalars(
            sa.select(Channel).where(Channel.slug == visitor.channel)
        ).one()
        channel.status, channel.capacity = ChannelStatus.OPEN, 5
        owner = make_user(Role.MSME, email=OWNER_EMAIL, name="Dedi Supriatna")
        product = make_product(
            make_business(owner, name="Awi Kriya Bandung"),
            name="Angklung diatonic set, 8 notes (C major)",
            price_idr=950_000,
            unit="set",
            photos=0,
        )
        add_translation(product, visitor.html_lang, visitor.product_name, visitor.product_text)
        real_photo(product)
        (nomination,) = nominate_all([product], channel)
        accept(make_officer(), nomination)
        rate = set_rate(visitor.currency, visitor.idr_per_unit, yesterday())
        db.session.commit()
        return Tag(str(nomination.qr_token), product.slug, channel.id, rate.effective_on)


def _in_first_screen(target: Locator) -> bool:
    box = target.bounding_box()
    assert box is not None, target
    return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("visitor", VISITORS, ids=[v.locale for v in VISITORS])
def test_a_scan_becomes_an_interest_without_an_account(
    browser_of: object, live_server: LiveServer, visitor: Visitor
) -> None:
    tag = _tag(live_server, visitor)
    words = visitor.words
    phone: Page = browser_of(visitor.locale)  # type: ignore[operator]
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    path = Measured(phone)

    # The scan: the product in the visitor's language, menus too, the price in their currency.
    phone.goto(live_server(f"/t/{tag.token}"))
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text(visitor.product_name)
    expect(phone.locator("html")).to_have_attribute("lang", visitor.html_lang)
    expect(phone.get_by_role("navigation").get_by_role("link", name=words["menu"])).to_be_visible()
    expect(phone.get_by_text(visitor.product_text)).to_be_visible()
    price = phone.locator(".price-line")
    expect(price).to_contain_text(visitor.rupiah)
    converted = phone.locator(".price-converted summary")
    expect(converted).to_have_text(visitor.price)
    # One tap shows the rate and its date, the date as the page's language writes it.
    note = phone.locator(".price-converted .rate-note")
    expect(note).to_be_hidden()
    converted.tap()
    expect(note).to_be_visible()
    expect(note).to_contain_text(visitor.rate)
    expect(note).to_contain_text(format_date(tag.rate_date, "medium", locale=visitor.html_lang))
    converted.tap()
    express = phone.get_by_role("link", name=words["express"], exact=True)
    photo = phone.locator(".gallery-cover img")
    # Photo, name, price and the interest button in the first screen; nothing sideways.
    for part in (photo, heading, price, express):
        assert _in_first_screen(part), part
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Interest without an account: one screen of input.
    path.tap(express)
    expect(phone.get_by_label(words["country"])).to_have_value(visitor.country)
    path.fill(phone.get_by_label(words["quantity"]), "12")
    path.fill(phone.get_by_label(words["message"]), visitor.message)
    path.fill(phone.get_by_label(words["name"], exact=True), visitor.name)
    path.fill(phone.get_by_label(words["email"]), visitor.email)
    form = phone.locator("form.quick-form").bounding_box()
    assert form is not None and form["height"] <= MAX_INPUT_SCREENS * PHONE["height"]
    path.tap(phone.get_by_role("button", name=words["send"], exact=True))
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["inbox"])
    expect(phone.get_by_text(visitor.email)).to_be_visible()

    # Before the mail: two taps, four fields (the country came from the channel), one screen.
    assert (path.taps, path.fields) == (2, 4)
    assert len(path.input_screens) <= MAX_INPUT_SCREENS
    assert path.input_screens == [f"/products/{tag.slug}/interest"]
    with live_server.app.app_context():
        # Nothing has reached the business: no interest, no notification, no mail to it.
        assert db.session.scalar(sa.select(sa.func.count(Interest.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
        mails = db.session.scalars(sa.select(OutboxEmail.to_address)).all()
        assert mails == [visitor.email]
        assert db.session.scalar(sa.select(sa.func.count(PendingInterest.id))) == 1

    # The link in the mail, opened on the phone: a button, pressed once.
    phone.goto(live_server.mailed_link(visitor.email, "/interests/confirm/"))
    path.tap(phone.get_by_role("button", name=words["send"], exact=True))
    expect(phone.get_by_text(visitor.message)).to_be_visible()
    # Logged in by the link, and offered (not asked) to choose a password.
    expect(phone.get_by_label(words["password"], exact=True)).to_be_visible()
    assert errors == []

    with live_server.app.app_context():
        interest = db.session.scalars(sa.select(Interest)).one()
        assert (interest.channel_id, interest.quantity, interest.unit) == (
            tag.channel_id,
            12,
            "set",
        )
        buyer = db.session.get_one(User, interest.buyer_id)
        assert (buyer.email, buyer.role, buyer.locale) == (
            visitor.email,
            Role.BUYER,
            visitor.html_lang,
        )
        assert buyer.email_verified_at is not None and not buyer.has_password
        assert buyer.buyer_profile is not None
        assert buyer.buyer_profile.country_code == visitor.country

    # The owner sees one interest, and that it came through the channel of the tag.
    owner = browser_of("en-GB")  # type: ignore[operator]
    owner.goto(live_server("/auth/login"))
    owner.get_by_label("E-mail address").fill(OWNER_EMAIL)
    owner.get_by_label("Password").fill(PASSWORD)
    owner.get_by_role("button", name="Log in").click()
    owner.goto(live_server("/interests"))
    cards = owner.locator(".conversation-list > li")
    expect(cards).to_have_count(1)
    cards.get_by_role("link").click()
    expect(owner.get_by_text(visitor.message)).to_be_visible()
    came_through = owner.locator("dt", has_text="Came through").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(came_through).to_contain_text(visitor.channel_name)
