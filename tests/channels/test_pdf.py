"""The printed tag sheet and catalog: real PDFs (parsed with pypdf) whose QR codes a real reader
(zxing-cpp) decodes to short addresses that work."""

from __future__ import annotations

import io
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.accounts.models import User
from marketplace.channels import curation
from marketplace.channels.models import ChannelKind, Nomination, Scan
from marketplace.channels.tag_sheet import TAGS_PER_PAGE
from marketplace.db import db
from tests.businesses.helpers import commit_and_detach, make_business, make_product
from tests.channels.helpers import (
    accept,
    add_translation,
    harz_und_heide,
    make_channel,
    make_officer,
    nominate_all,
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
        set_rate("EUR", "18150.50", curation.office_today() - timedelta(days=2))
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
    assert "Rp 950.000 / piece" in text  # German numbers
    assert "≈ EUR 52,34 (Kurs vom" in text

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
    assert "≈ EUR 52,34 (Kurs vom" in body

    for url in sum(codes, []):
        assert _follow(app, client, url).status_code == 302


def test_catalog_of_a_korean_showroom_prints_english_where_the_font_has_no_hangul(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        showroom = make_channel(
            "Little Bandung Hongdae", kind=ChannelKind.SHOWROOM, locale="ko", currency="KRW"
        )
        product = make_product(make_business(name="Kopi Priangan"), name="Java Preanger arabica")
        add_translation(product, "ko", "자바 프리앙거 아라비카", "원두")
        (nomination,) = nominate_all([product], showroom)
        accept(make_officer(), nomination)
        db.session.commit()
    reader = PdfReader(io.BytesIO(client.get("/channels/little-bandung-hongdae/catalog.pdf").data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Java Preanger arabica" in text
    assert "자바" not in text
    assert "Rp 450,000" in text and "KRW" not in text.split("Java Preanger", 1)[1]


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
    """Emoji, scripts the font lacks and words longer than a tag are left out or cut."""
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
    assert "Lamp\nxxxx" in text and "🎋" not in text and "竹" not in text
    assert sum(_qr_texts(reader), []) == [_expected_url(app, token)]
