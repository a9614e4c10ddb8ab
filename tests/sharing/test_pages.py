"""What a link pasted into WhatsApp or KakaoTalk shows: each public page's description, Open
Graph tags and canonical address, read from the HTML the real stack serves, in two languages."""

from __future__ import annotations

import io
import unicodedata

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from PIL import Image

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.channels.models import ChannelStatus
from marketplace.db import db
from marketplace.link_preview import OG_LOCALES
from marketplace.products.models import ProductStatus
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    add_translation,
    make_business,
    make_channel,
    make_officer,
    make_product,
    make_user,
    stored_cover,
)
from tests.sharing.helpers import Head, read_head

KOREAN_DESCRIPTION = (
    "검은 대나무로 만든 펜던트 조명입니다. 반둥의 장인이 손으로 엮어 만들며, 빛이 대나무 사이로"
    " 부드럽게 퍼집니다. 카페와 호텔 로비에 잘 어울리고, 전구는 별도로 판매합니다. 주문 전에"
    " 크기와 색상을 문의해 주세요."
)
GERMAN_DESCRIPTION = "Pendelleuchte aus schwarzem Bambus, in Bandung von Hand geflochten."


def _page(client: FlaskClient, path: str) -> Head:
    response = client.get(path)
    assert response.status_code == 200, path
    return read_head(response.get_data(as_text=True))


def _site_name(app: Flask, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext("Bandung Export Marketplace")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _assert_shared_as(app: Flask, head: Head, address: str, locale: str) -> None:
    """The address a preview links to, in the page's language, under BASE_URL; the same as the
    canonical; the page's locale and the six others."""
    base = app.config["BASE_URL"]
    assert address.startswith(base + "/")
    assert head.one("og:url") == address
    assert head.canonical == [address]
    assert head.one("og:locale") == OG_LOCALES[locale]
    assert sorted(head.meta["og:locale:alternate"]) == sorted(
        tag for code, tag in OG_LOCALES.items() if code != locale
    )
    assert head.one("og:site_name") == _site_name(app, locale)


def _assert_image_opens(app: Flask, client: FlaskClient, head: Head, size: tuple[int, int]) -> None:
    """og:image is an absolute address of a stored photo of the stated size, served as such."""
    url = head.one("og:image")
    base = app.config["BASE_URL"]
    assert url.startswith(base + "/media/img/")
    assert (int(head.one("og:image:width")), int(head.one("og:image:height"))) == size
    assert head.one("og:image:type") == "image/webp"
    with client.get(url.removeprefix(base)) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
        assert Image.open(io.BytesIO(response.data)).size == size


def _lamp(app: Flask) -> str:
    with app.app_context():
        business = make_business(name="Awi Kriya")
        lamp = make_product(business, name="Bamboo pendant lamp", description="Black bamboo.")
        add_translation(lamp, "ko", "대나무 펜던트 조명", KOREAN_DESCRIPTION)
        add_translation(lamp, "de", "Bambus-Pendelleuchte", GERMAN_DESCRIPTION)
        stored_cover(lamp, (2000, 1500))
        db.session.commit()
        return lamp.slug


@pytest.mark.parametrize("locale", ["ko", "de"])
def test_a_product_page_previews_in_the_page_language(
    app: Flask, client: FlaskClient, locale: str
) -> None:
    slug = _lamp(app)

    head = _page(client, f"/products/{slug}?lang={locale}")

    base = app.config["BASE_URL"]
    _assert_shared_as(app, head, f"{base}/products/{slug}?lang={locale}", locale)
    assert head.one("og:type") == "product"
    expected = {
        "ko": ("대나무 펜던트 조명", KOREAN_DESCRIPTION),
        "de": ("Bambus-Pendelleuchte", GERMAN_DESCRIPTION),
    }
    name, description = expected[locale]
    assert head.one("og:title") == name
    assert head.one("description") == head.one("og:description")
    assert "description" not in head.lang  # the text is in the page's language
    shown = head.one("description")
    if locale == "de":
        assert shown == description  # short enough to stay whole
    else:
        # Korean characters are twice as wide: cut on a space, well before 160 columns.
        assert shown.endswith("…") and _width(shown) <= 160
        kept = shown.removesuffix("…")
        assert description.startswith(kept) and description[len(kept)] == " "
    # A 2000 px photo is previewed through its 1600 px copy (the smallest of at least 1200).
    _assert_image_opens(app, client, head, (1600, 1200))
    with app.test_request_context(), force_locale(locale):
        assert head.one("og:image:alt") == gettext("%(name)s, photo %(n)s", name=name, n=1)
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("product:price:amount") == "450000"
    assert head.one("product:price:currency") == "IDR"


def test_a_product_without_a_translated_description_says_which_language_it_shows(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        product = make_product(make_business(), name="Kopi luwak", description="Civet coffee.")
        add_translation(product, "ko", "코피 루왁")  # a name, no description
        db.session.commit()
        slug = product.slug

    head = _page(client, f"/products/{slug}?lang=ko")

    assert head.one("og:title") == "코피 루왁"
    assert head.one("description") == "Civet coffee."
    assert head.lang["description"] == "en"


def test_a_small_photo_is_previewed_whole(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        product = make_product(make_business())
        stored_cover(product, (900, 600))
        db.session.commit()
        slug = product.slug

    head = _page(client, f"/products/{slug}?lang=de")

    _assert_image_opens(app, client, head, (900, 600))
    assert head.one("twitter:card") == "summary_large_image"


def test_drafts_and_unverified_businesses_have_no_preview_at_all(
    app: Flask, client: FlaskClient, login_as: object
) -> None:
    with app.app_context():
        verified = make_business()
        draft = make_product(verified, name="Secret draft lamp", status=ProductStatus.DRAFT)
        waiting = make_business(name="Waiting Batik", status=BusinessStatus.PENDING)
        hidden = make_product(waiting, name="Hidden scarf")
        owner = verified.owner
        db.session.commit()
        draft_slug, draft_id, hidden_slug = draft.slug, draft.id, hidden.slug
        business_slug = verified.slug
        db.session.refresh(owner)
        db.session.expunge(owner)

    assert client.get(f"/products/{draft_slug}?lang=de").status_code == 404
    assert client.get(f"/products/{hidden_slug}?lang=de").status_code == 404
    assert client.get("/msmes/waiting-batik?lang=de").status_code == 404
    # The owner's preview shows the draft, but describes nothing to a link preview.
    preview = login_as(owner).get(f"/my/products/{draft_id}/preview")  # type: ignore[operator]
    assert preview.status_code == 200
    head = read_head(preview.get_data(as_text=True))
    assert not [key for key in head.meta if key.startswith(("og:", "twitter:", "description"))]
    assert head.canonical == []
    # Nor does the business page tell of the draft.
    page = client.get(f"/msmes/{business_slug}?lang=de").get_data(as_text=True)
    assert "Secret draft lamp" not in page


@pytest.mark.parametrize("locale", ["ko", "de"])
def test_an_msme_page_previews_with_its_newest_product_photo(
    app: Flask, client: FlaskClient, locale: str
) -> None:
    with app.app_context():
        business = make_business(name="Awi Kriya", description="A bamboo workshop. " * 20)
        older = make_product(business, name="Bamboo basket")
        stored_cover(older, (1000, 800))
        newest = make_product(business, name="Bamboo lamp")
        add_translation(newest, "ko", "대나무 조명")
        add_translation(newest, "de", "Bambusleuchte")
        stored_cover(newest, (2000, 1500))
        draft = make_product(business, name="Draft lamp", status=ProductStatus.DRAFT)
        stored_cover(draft, (1200, 900))
        db.session.commit()
        slug = business.slug

    head = _page(client, f"/msmes/{slug}?lang={locale}")

    base = app.config["BASE_URL"]
    _assert_shared_as(app, head, f"{base}/msmes/{slug}?lang={locale}", locale)
    assert head.one("og:type") == "website"
    assert head.one("og:title") == "Awi Kriya"
    description = head.one("description")
    assert description.startswith("A bamboo workshop. A bamboo") and description.endswith("…")
    assert len(description) <= 160
    _assert_image_opens(app, client, head, (1600, 1200))
    name = {"ko": "대나무 조명", "de": "Bambusleuchte"}[locale]
    with app.test_request_context(), force_locale(locale):
        assert head.one("og:image:alt") == gettext("%(name)s, photo %(n)s", name=name, n=1)


def test_an_msme_without_photos_previews_as_a_small_card(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        business = make_business(name="Kopi Priangan", description="")
        db.session.commit()
        slug = business.slug

    head = _page(client, f"/msmes/{slug}?lang=de")

    assert "og:image" not in head.meta
    assert head.one("twitter:card") == "summary"
    with app.test_request_context(), force_locale("de"):
        expected = gettext(
            "%(business)s, a creative-industry MSME from Bandung.", business="Kopi Priangan"
        )
    assert head.one("description") == expected


@pytest.mark.parametrize("locale", ["ko", "de"])
def test_a_channel_page_previews_with_its_lineup(
    app: Flask, client: FlaskClient, locale: str
) -> None:
    with app.app_context():
        channel = make_channel("Little Bandung Seoul", city="Seoul", locale="ko", capacity=5)
        products = [make_product(make_business(name="Awi Kriya"), name="Bamboo lamp")]
        add_translation(products[0], "ko", "대나무 조명")
        stored_cover(products[0], (2000, 1500))
        accept(make_officer(), nominate_all(products, channel)[0])
        db.session.commit()
        slug = channel.slug

    head = _page(client, f"/channels/{slug}?lang={locale}")

    base = app.config["BASE_URL"]
    _assert_shared_as(app, head, f"{base}/channels/{slug}?lang={locale}", locale)
    assert head.one("og:title") == "Little Bandung Seoul"
    assert head.one("description") == "A product wall in a café."
    _assert_image_opens(app, client, head, (1600, 1200))


def test_a_draft_channel_has_no_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        slug = make_channel("Planned fair", status=ChannelStatus.DRAFT).slug
        db.session.commit()
    assert client.get(f"/channels/{slug}?lang=de").status_code == 404


@pytest.mark.parametrize(
    ("path", "locale", "title"),
    [
        ("/", "ko", "Products of Bandung's creative MSMEs"),
        ("/", "de", "Products of Bandung's creative MSMEs"),
        ("/catalog", "ko", "Catalog"),
        ("/catalog", "de", "Catalog"),
        ("/partners", "ko", "Bandung's sister cities"),
        ("/partners", "de", "Bandung's sister cities"),
        ("/channels", "de", "Promotion channels"),
    ],
)
def test_the_site_pages_preview_in_the_page_language(
    app: Flask, client: FlaskClient, path: str, locale: str, title: str
) -> None:
    head = _page(client, f"{path}?lang={locale}")

    base = app.config["BASE_URL"]
    _assert_shared_as(app, head, f"{base}{path}?lang={locale}", locale)
    with app.test_request_context(), force_locale(locale):
        assert head.one("og:title") == gettext(title)
    assert head.one("og:title") != title  # translated
    assert head.one("description") and head.one("description") == head.one("og:description")
    assert head.one("twitter:card") == "summary"


def test_a_shared_catalog_keeps_its_filters(app: Flask, client: FlaskClient) -> None:
    head = _page(client, "/catalog?subsector=kriya&lang=de&utm=x")

    base = app.config["BASE_URL"]
    assert head.one("og:url") == f"{base}/catalog?subsector=kriya&utm=x&lang=de"


def test_a_signed_in_person_shares_the_language_they_read(app: Flask, login_as: object) -> None:
    slug = _lamp(app)
    with app.app_context():
        buyer = make_user(Role.BUYER, locale="ko")
        db.session.commit()
        db.session.refresh(buyer)
        db.session.expunge(buyer)

    head = read_head(login_as(buyer).get(f"/products/{slug}").get_data(as_text=True))  # type: ignore[operator]

    assert head.one("og:url").endswith(f"/products/{slug}?lang=ko")
    assert head.one("og:title") == "대나무 펜던트 조명"
