"""The catalog and then a product on a phone (390 x 844, touch), read in the browser's own
language: a Chinese (zh-CN) and a Belgian French (fr-BE) browser, neither of which names one of
the seven languages exactly, are served Chinese and French. Menus, headings and buttons speak
their language, the catalog card and the product page show the product's own name and text as
the maker translated them, and the person gets from one to the other by tapping the name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.browser.conftest import LiveServer
from tests.factories import add_translation, make_business, make_product, make_user, real_photo

pytestmark = pytest.mark.usefixtures("storefront")

PHONE = {"width": 390, "height": 844}
ENGLISH_NAME = "Angklung diatonic set, 8 notes (C major)"
ENGLISH_TEXT = "Eight hand-tuned angklung covering one octave of the C major scale."


@dataclass(frozen=True)
class Reader:
    locale: str  # the browser's
    code: str  # the marketplace's language
    html_lang: str  # the page's
    product_name: str
    product_text: str
    words: dict[str, str]  # the pages' own words in that language


READERS = [
    Reader(
        locale="zh-CN",
        code="zh",
        html_lang="zh-Hans",
        product_name="安克隆全音阶套装，8音（C大调）",
        product_text="八支手工调音的安克隆，覆盖C大调音阶的一个八度。",
        words={
            "menu": "产品目录",
            "channels": "推广渠道",
            "catalog": "产品目录",
            "search": "搜索产品",
            "results": "1款产品",
            "interested": "对这款产品感兴趣？",
            "express": "发送询盘",
            "details": "出口详情",
            "made_by": "供应商",
        },
    ),
    Reader(
        locale="fr-BE",
        code="fr",
        html_lang="fr",
        product_name="Jeu d’angklung diatonique, 8 notes (do majeur)",
        product_text="Huit angklung accordés à la main, sur une octave de la gamme de do majeur.",
        words={
            "menu": "Catalogue",
            "channels": "Canaux",
            "catalog": "Catalogue",
            "search": "Rechercher des produits",
            "results": "1 produit",
            "interested": "Ce produit vous intéresse\u00a0?",
            "express": "Manifester son intérêt",
            "details": "Informations pour l’export",
            "made_by": "Fabriqué par",
        },
    ),
]


@pytest.fixture
def phone_of(browser: Browser) -> Iterator[object]:
    contexts = []

    def open_phone(locale: str) -> Page:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3, locale=locale
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def _product(live_server: LiveServer, reader: Reader) -> None:
    """One published product of a verified business, translated by its maker into the
    reader's language (and, as the factory makes every product, into Indonesian)."""
    with live_server.app.app_context():
        owner = make_user(Role.MSME, email="dedi@awikriya.example.id", name="Dedi Supriatna")
        product = make_product(
            make_business(owner, name="Awi Kriya Bandung"),
            name=ENGLISH_NAME,
            description=ENGLISH_TEXT,
            price_idr=950_000,
            unit="set",
            photos=0,
        )
        add_translation(product, reader.code, reader.product_name, reader.product_text)
        real_photo(product)
        db.session.commit()


@pytest.mark.parametrize("reader", READERS, ids=[r.locale for r in READERS])
def test_catalog_then_product_in_the_browsers_language(
    phone_of: object, live_server: LiveServer, reader: Reader
) -> None:
    _product(live_server, reader)
    words = reader.words
    phone: Page = phone_of(reader.locale)  # type: ignore[operator]
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # The catalog, opened from the menu on the home page.
    phone.goto(live_server("/"))
    expect(phone.locator("html")).to_have_attribute("lang", reader.html_lang)
    menu = phone.get_by_role("navigation").first
    expect(menu.get_by_role("link", name=words["channels"], exact=True)).to_be_visible()
    menu.get_by_role("link", name=words["menu"], exact=True).tap()
    phone.wait_for_load_state("load")
    expect(phone.get_by_role("heading", level=1)).to_have_text(words["catalog"])
    expect(phone.get_by_label(words["search"])).to_be_visible()
    results = phone.get_by_role("region", name=words["results"])
    card_link = results.get_by_role("link", name=reader.product_name, exact=True)
    expect(card_link).to_be_visible()
    expect(results).not_to_contain_text(ENGLISH_NAME)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The product, by a tap on its name: its own words in the reader's language.
    card_link.tap()
    phone.wait_for_load_state("load")
    expect(phone.locator("html")).to_have_attribute("lang", reader.html_lang)
    expect(phone.get_by_role("heading", level=1)).to_have_text(reader.product_name)
    expect(phone.get_by_text(reader.product_text)).to_be_visible()
    expect(phone.get_by_text(ENGLISH_TEXT)).to_be_hidden()  # folded under other languages
    expect(phone.get_by_role("heading", name=words["interested"])).to_be_visible()
    expect(phone.get_by_role("heading", name=words["details"])).to_be_attached()
    expect(phone.get_by_role("link", name=words["express"], exact=True)).to_be_visible()
    expect(phone.get_by_text(f"{words['made_by']} Awi Kriya Bandung").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
