"""The printed tag sheet and catalog: real PDFs (parsed with pypdf) whose QR codes a real reader
(zxing-cpp) decodes to short addresses that work."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from pypdf import PdfReader

from marketplace.accounts.models import User
from marketplace.channels.models import Channel, Nomination, Scan
from marketplace.channels.tag_sheet import TAGS_PER_PAGE
from marketplace.db import db
from marketplace.periods import bandung_today
from marketplace.reference.models import PartnerCity
from marketplace.units import quantity, unit_label
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    add_translation,
    harz_und_heide,
    little_bandung,
    make_business,
    make_channel,
    make_officer,
    make_product,
    real_photo,
    set_rate,
)

PRODUCTS = TAGS_PER_PAGE + 2  # two pages of tags


def _lineup(app: Flask, count: int = PRODUCTS) -> tuple[User, int, dict[str, str]]:
    """Harz und Heide with `count` accepted products; returns the officer, the channel id and
    token -> product slug."""
    with app.app_context():
        channel = harz_und_heide(capacity=None)
        businesses = [make_business(name=f"Kriya {n}") for n in range(3)]
        products = [
            make_product(businesses[n % 3], name=f"Bamboo product {n:02d}", price_idr=950_000)
            for n in range(count)
        ]
        add_translation(products[0], "de", "Angklung-Satz diatonisch, 8 Töne (C-Dur)", "Gestimmt.")
        real_photo(products[0], seed=1)
        real_photo(products[1], seed=2)
        officer = make_officer()
        nominations = nominate_all(products, channel)
        for nomination in nominations:
            accept(officer, nomination)
        set_rate("EUR", "18150.50", bandung_today() - timedelta(days=2))
        tokens = {str(n.qr_token): n.product.slug for n in nominations}
        channel_id = channel.id
        commit_and_detach(officer)
    return officer, channel_id, tokens


def _qr_texts(reader: PdfReader) -> list[list[str]]:
    """The decoded QR codes of each page, read from the page's embedded images."""
    pages = []
    for page in reader.pages:
        texts = []
        for image in page.images:
            for barcode in zxingcpp.read_barcodes(image.image):
                if barcode.format == zxingcpp.BarcodeFormat.QRCode:
                    texts.append(barcode.text)
        pages.append(texts)
    return pages


def _expected_url(app: Flask, token: str) -> str:
    return str(app.config["BASE_URL"]).rstrip("/") + f"/t/{token}"


def _follow(app: Flask, client: FlaskClient, url: str) -> Any:
    """Open a decoded address with the test client, as a phone would."""
    parts = urlsplit(url)
    return client.get(parts.path)


def test_tag_sheet_is_a_pdf_whose_codes_open_the_products(
    app: Flask, login_as: Any, client: FlaskClient
) -> None:
    officer, channel_id, tokens = _lineup(app)
    response = login_as(officer).get(f"/office/channels/{channel_id}/tags.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="harz-und-heide-tags.pdf"'
    assert "no-store" in response.headers["Cache-Control"]

    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == math.ceil(PRODUCTS / TAGS_PER_PAGE) == 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    codes = _qr_texts(reader)
    assert [len(page) for page in codes] == [TAGS_PER_PAGE, PRODUCTS - TAGS_PER_PAGE]
    assert sorted(sum(codes, [])) == sorted(_expected_url(app, t) for t in tokens)

    text = reader.pages[0].extract_text()
    assert "Angklung-Satz diatonisch" in text  # the channel's language, German
    assert "B-001" in text
    with app.test_request_context(), force_locale("de"):
        piece = unit_label("piece")
    # German numbers, German placement of the symbol, the unit in German
    assert f"950.000 Rp / {piece}" in text
    assert "≈ 52,34 € (Kurs vom" in text

    for url in sum(codes, []):
        opened = _follow(app, client, url)
        token = url.rsplit("/", 1)[1]
        assert opened.status_code == 302
        assert opened.headers["Location"] == f"/products/{tokens[token]}?lang=de"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Scan.id))) == PRODUCTS


def test_catalog_is_a_pdf_with_a_cover_and_an_entry_per_product(
    app: Flask, client: FlaskClient
) -> None:
    _officer, _channel_id, tokens = _lineup(app, count=5)
    response = client.get("/channels/harz-und-heide/catalog.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"] == 'inline; filename="harz-und-heide-catalog.pdf"'
    )
    assert response.cache_control.public and response.cache_control.max_age == 300

    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1 + math.ceil(5 / 2)
    cover = reader.pages[0].extract_text()
    assert "Harz und Heide" in cover
    assert "Partnerstädte seit 1960" in cover  # printed in the channel's language
    assert "5 Produkte in diesem Katalog" in cover
    codes = _qr_texts(reader)
    assert codes[0] == []
    assert sorted(sum(codes, [])) == sorted(_expected_url(app, t) for t in tokens)
    photos = [image for page in reader.pages[1:] for image in page.images]
    assert len(photos) == 5 + 2  # five QR codes and the two real photos
    body = "".join(page.extract_text() for page in reader.pages[1:])
    assert "Angklung-Satz diatonisch, 8 Töne (C-Dur)" in body
    assert "Bamboo product 01" in body  # no German text: English
    assert "Mindestbestellmenge" in body and "HS-Code" in body
    assert "≈ 52,34 € (Kurs vom" in body

    for url in sum(codes, []):
        assert _follow(app, client, url).status_code == 302


PUBLIC = "https://pasar.bandung.example"  # the configured public address, not the request's


@dataclass(frozen=True)
class Printed:
    tags: PdfReader
    catalog: PdfReader
    tokens: dict[str, str]  # token -> product slug


def _print_lineup(
    app: Flask,
    login_as: Any,
    channel: Channel,
    texts: list[tuple[str, str | None]],
    rate: tuple[str, str],
) -> Printed:
    """Accept one product per (English name, translated name or None) in `channel`, set the
    rate, and fetch its tag sheet (as an officer) and its public catalog."""
    products = []
    for n, (english, translated) in enumerate(texts):
        product = make_product(
            make_business(name=f"Saung Kriya {n}"),
            name=english,
            price_idr=950_000,
            unit="set" if n == 1 else "piece",
            weight_grams=1200,
        )
        if translated:
            add_translation(product, channel.locale, translated, f"{translated} · {n}")
        products.append(product)
    real_photo(products[0])
    officer = make_officer()
    nominations = nominate_all(products, channel)
    for nomination in nominations:
        accept(officer, nomination)
    set_rate(rate[0], rate[1], RATE_DAY)
    tokens = {str(n.qr_token): n.product.slug for n in nominations}
    channel_id, slug = channel.id, channel.slug
    commit_and_detach(officer)
    tags = login_as(officer).get(f"/office/channels/{channel_id}/tags.pdf")
    catalog = app.test_client().get(f"/channels/{slug}/catalog.pdf")
    assert tags.status_code == catalog.status_code == 200
    return Printed(PdfReader(io.BytesIO(tags.data)), PdfReader(io.BytesIO(catalog.data)), tokens)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _unwrapped(text: str, joiner: str) -> str:
    """The text with its wrapped lines joined: by a space in Korean, by nothing in Chinese."""
    return joiner.join(text.splitlines())


def _assert_codes_open_the_products(app: Flask, printed: Printed, locale: str) -> None:
    """Every QR code decodes to <BASE_URL>/t/<token>, and the address opens the product."""
    for reader in (printed.tags, printed.catalog):
        codes = sum(_qr_texts(reader), [])
        assert sorted(codes) == sorted(f"{PUBLIC}/t/{token}" for token in printed.tokens)
    client = app.test_client()
    for token, slug in printed.tokens.items():
        opened = client.get(f"/t/{token}")
        assert opened.status_code == 302
        assert opened.headers["Location"] == f"/products/{slug}?lang={locale}"


RATE_DAY = date(2026, 12, 1)


def test_little_bandung_prints_tags_and_catalog_in_korean(
    app: Flask, login_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC)
    with app.app_context():
        channel = little_bandung()
        printed = _print_lineup(
            app,
            login_as,
            channel,
            [
                ("Java Preanger arabica", "자바 프리앙거 아라비카 원두"),
                ("Angklung set", "앙클룽 Angklung 세트 竹"),  # three scripts, three fonts
                ("Rattan floor lamp", None),  # not translated: English
            ],
            ("KRW", "11.75"),
        )
    with app.test_request_context(), force_locale("ko"):
        piece, moq = unit_label("piece"), quantity(20, "piece")
    tags, catalog = _text(printed.tags), _text(printed.catalog)

    for text in (tags, catalog):
        assert "자바 프리앙거 아라비카 원두" in text
        assert "앙클룽 Angklung 세트 竹" in text
        assert "Rattan floor lamp" in text
        # 950,000 / 11.75 = 80,851.06: won have no minor unit; the rate's date as Koreans write it
        assert f"Rp 950,000 / {piece}" in text
        assert "≈ ₩80,851(2026. 12. 1. 환율 기준)" in text
        assert "₩80,851." not in text and "2026-12-01" not in text
    assert "스캔하여 상세 정보를 확인하고 제조사에 문의하십시오." in _unwrapped(tags, " ")
    assert "진열대 태그입니다" in tags  # the sheet's header
    assert "인도네시아 Bandung의 창조산업 제품" in catalog  # the cover
    assert "쇼룸 · Hongdae, Seoul" in catalog  # the place reads once
    assert "이 카탈로그에는 제품 3개가 수록되어 있습니다." in catalog
    assert "최소 주문 수량" in catalog and f"최소 주문 수량 {moq}" in catalog
    assert "리드타임 21일" in catalog and "HS 코드 621410" in catalog
    assert "중량 1,200 g" in catalog
    assert printed.catalog.metadata is not None
    assert printed.catalog.metadata.title == "카탈로그: Little Bandung"
    _assert_codes_open_the_products(app, printed, "ko")


def test_a_chinese_channel_prints_tags_and_catalog_in_chinese(
    app: Flask, login_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC)
    with app.app_context():
        hangzhou = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Hangzhou"))
        channel = make_channel(
            "Bandung Corner Hangzhou",
            city="Hangzhou",
            country_code="CN",
            venue="West Lake Cultural Plaza, Hangzhou",
            locale="zh",
            currency="CNY",
            partner_city=hangzhou,
        )
        printed = _print_lineup(
            app,
            login_as,
            channel,
            [
                ("Java Preanger arabica", "爪哇勃良安阿拉比卡咖啡豆"),
                ("Angklung set", "竹制安克隆 Angklung 套装"),
                ("Batik scarf", "𠮷 蜡染丝巾"),  # 𠮷 is in no embedded font: English instead
            ],
            ("CNY", "2250"),
        )
    with app.test_request_context(), force_locale("zh"):
        piece = unit_label("piece")
    tags, catalog = _text(printed.tags), _text(printed.catalog)

    for text in (tags, catalog):
        assert "爪哇勃良安阿拉比卡咖啡豆" in text
        assert "竹制安克隆 Angklung 套装" in text
        assert "Batik scarf" in text and "蜡染丝巾" not in text
        # 950,000 / 2,250 = 422.22 yuan, with the rate's date as Chinese writes it
        assert f"Rp 950,000 / {piece}" in text
        assert "约¥422.22（按2026年12月1日汇率）" in text
    assert "扫码查看详情并向供应商咨询。" in _unwrapped(tags, "")
    assert "来自印度尼西亚万隆的创意产品" in catalog
    assert "中国" in catalog  # the partner country in Chinese, not "China"
    assert "起订量" in catalog and "交货期" in catalog and "HS编码" in catalog
    _assert_codes_open_the_products(app, printed, "zh")


def test_the_pdfs_name_their_author_in_the_language_they_are_printed_in(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    with app.app_context():
        officer = make_officer()
        expo = make_channel("Pameran Kriya Jakarta", locale="id", city="Jakarta", country_code="ID")
        paris = make_channel("Little Bandung Paris")  # French
        ids = {"expo": expo.id, "paris": paris.id}
        commit_and_detach(officer)
    office = login_as(officer)
    expected = {
        "expo": ("Katalog: Pameran Kriya Jakarta", "Dinas Perdagangan Kota Bandung"),
        "paris": (
            "Catalogue\xa0: Little Bandung Paris",
            "Bureau du commerce de la Ville de Bandung",
        ),
    }
    creators = {"expo": "Marketplace Ekspor Bandung", "paris": "Place de marché export de Bandung"}
    for name, slug in (("expo", "pameran-kriya-jakarta"), ("paris", "little-bandung-paris")):
        catalog = PdfReader(io.BytesIO(client.get(f"/channels/{slug}/catalog.pdf").data)).metadata
        assert catalog is not None
        assert (catalog.title, catalog.author) == expected[name]
        assert catalog.creator == creators[name]
        tags = PdfReader(
            io.BytesIO(office.get(f"/office/channels/{ids[name]}/tags.pdf").data)
        ).metadata
        assert tags is not None and (tags.author, tags.creator) == (
            expected[name][1],
            creators[name],
        )


@pytest.mark.parametrize("path", ["/channels/europalia/catalog.pdf"])
def test_an_empty_catalog_is_still_a_valid_pdf(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    # Europalia prints in French, where zero takes the singular.
    assert "0 produit dans ce catalogue." in reader.pages[0].extract_text()


def test_tags_of_an_empty_channel_say_so(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_officer()
        channel_id = harz_und_heide().id
        commit_and_detach(officer)
    reader = PdfReader(
        io.BytesIO(login_as(officer).get(f"/office/channels/{channel_id}/tags.pdf").data)
    )
    assert len(reader.pages) == 1
    assert "Es wurde noch kein Produkt angenommen." in reader.pages[0].extract_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Nomination.id))) == 0


def test_unprintable_and_overlong_text_still_makes_a_valid_pdf(
    app: Flask, client: FlaskClient
) -> None:
    """Emoji are left out, Han characters drawn by the fallback font, and words longer than a
    tag cut."""
    with app.app_context():
        channel = harz_und_heide(capacity=None)
        product = make_product(
            make_business(name="Kriya 🎋 Bandung"),
            name="Lamp " + "x" * 150 + " 🎋",
            description="Bambus 竹 " * 200,
            materials="Bamboo\u200b, rattan",
        )
        (nomination,) = nominate_all([product], channel)
        accept(make_officer(), nomination)
        db.session.commit()
        token = str(nomination.qr_token)
    reader = PdfReader(io.BytesIO(client.get("/channels/harz-und-heide/catalog.pdf").data))
    assert len(reader.pages) == 2
    text = reader.pages[1].extract_text()
    assert "Lamp\nxxxx" in text and "🎋" not in text and "Bambus 竹" in text
    assert sum(_qr_texts(reader), []) == [_expected_url(app, token)]
