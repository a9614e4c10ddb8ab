"""A channel's public page speaks to shoppers: the line-up first, in the channel's language; the
call to MSMEs after it and only while it applies; a channel whose dates are over shown as past;
a product sold out at the showroom or returned from it gone from its shelf; the place named
once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.channels import curation
from marketplace.channels.models import Channel, ChannelKind, ChannelStatus, Scan
from marketplace.db import db
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from marketplace.stock.models import MovementKind
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import ENGLISH, accept, nominate_all
from tests.factories import (
    add_translation,
    harz_und_heide,
    make_channel,
    make_officer,
    move_stock,
    owner_with_products,
)


def _little_bandung(app: Flask) -> dict[str, Any]:
    """The seeded showroom in Seoul with four products: on the shelf, sold out, returned after
    selling two of five, and accepted but not shipped yet."""
    with app.app_context():
        channel = db.session.scalars(
            sa.select(Channel).where(Channel.slug == "little-bandung")
        ).one()
        officer = make_officer()
        products = owner_with_products(4)
        add_translation(products[0], "ko", "대나무 램프")
        nominations = nominate_all(products, channel)
        for nomination in nominations:
            accept(officer, nomination)
        on_shelf, sold_out, returned, waiting = nominations
        for nomination in (on_shelf, sold_out, returned):
            move_stock(nomination, officer, MovementKind.SHIPPED, 5)
            move_stock(nomination, officer, MovementKind.RECEIVED, 5)
        move_stock(sold_out, officer, MovementKind.SOLD, 5)
        move_stock(returned, officer, MovementKind.SOLD, 2)
        move_stock(returned, officer, MovementKind.RETURNED, 3)
        db.session.commit()
        return {
            "slugs": [p.slug for p in products],
            "codes": [n.shelf_code for n in nominations],
            "returned_token": returned.qr_token,
            "sold_out_token": sold_out.qr_token,
        }


def _page(client: FlaskClient, slug: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(f"/channels/{slug}", headers=ENGLISH if headers is None else headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_lineup_comes_before_the_call_to_msmes(app: Flask, client: FlaskClient) -> None:
    data = _little_bandung(app)
    html = _page(client, "little-bandung")

    lineup = html.index('<h2 id="lineup-heading">')
    about = html.index('<h2 id="about-heading">About this channel</h2>')
    call = html.index('<h2 id="msme-heading">For Bandung MSMEs</h2>')
    assert html.index("<h1>") < lineup < about < call
    assert html.index(f"/channels/little-bandung/products/{data['slugs'][0]}") < about
    assert "This channel is open for nominations." in html[call:]
    assert "Bandung MSMEs: log in to nominate a product." in html[call:]
    # Before the line-up: the name, what and where, nothing addressed to MSMEs.
    head = html[html.index("<h1>") : lineup]
    assert "nominat" not in head.lower() and "Open for nominations" not in head


def test_an_msme_owner_finds_the_nominate_button_at_the_end(
    app: Flask, login_as: Any, client: FlaskClient
) -> None:
    with app.app_context():
        owner = owner_with_products(1)[0].business.owner
        commit_and_detach(owner)
    html = login_as(owner).get("/channels/little-bandung", headers=ENGLISH).get_data(as_text=True)
    button = html.index(">Nominate a product</a>")
    assert html.index('id="lineup-heading"') < html.index('id="msme-heading"') < button


def test_a_closed_channel_makes_no_call_to_msmes(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        harz_und_heide(status=ChannelStatus.CLOSED, ends_on=None, starts_on=None)
        db.session.commit()
    html = _page(client, "harz-und-heide")
    assert 'id="lineup-heading"' in html
    assert "msme-heading" not in html and "open for nominations" not in html.lower()


def test_a_channel_whose_dates_have_passed_is_shown_as_past(
    app: Flask, client: FlaskClient
) -> None:
    today = bandung_today()
    with app.app_context():
        channel = harz_und_heide(
            capacity=None, starts_on=today - timedelta(days=12), ends_on=today - timedelta(days=8)
        )
        lamp = owner_with_products(1)[0]
        accept(make_officer(), nominate_all([lamp], channel)[0])
        db.session.commit()
        assert channel.status == ChannelStatus.OPEN  # the office has not archived it yet
        slug = lamp.slug

    html = _page(client, "harz-und-heide")
    assert "Past edition" in html
    assert "This edition has ended." in html
    assert "Open for nominations" not in html
    assert "open for nominations" not in html and "msme-heading" not in html
    assert f"/channels/harz-und-heide/products/{slug}" in html  # its products still shown

    listing = client.get("/channels", headers=ENGLISH).get_data(as_text=True)
    past = listing.split('<h2 id="past-heading">Past editions</h2>', 1)
    assert len(past) == 2 and 'href="/channels/harz-und-heide"' in past[1]
    assert 'href="/channels/harz-und-heide"' not in past[0]
    # A channel whose last day is today is not past yet.
    with app.app_context():
        harz_und_heide(capacity=None, ends_on=today)
        db.session.commit()
    html = _page(client, "harz-und-heide")
    assert "Past edition" not in html and "This channel is open for nominations." in html


def test_past_means_the_last_day_of_an_event_not_the_opening_of_a_showroom(ctx: Flask) -> None:
    today = bandung_today()
    long_ago = today - timedelta(days=3000)
    fair = make_channel("One-day fair", kind=ChannelKind.TRADE_FAIR, starts_on=long_ago)
    showroom = make_channel("Old showroom", kind=ChannelKind.SHOWROOM, starts_on=long_ago)
    exchange = make_channel("Exchange", kind=ChannelKind.EXCHANGE, starts_on=long_ago)
    archived = make_channel("Archived", status=ChannelStatus.ARCHIVED)
    coming = make_channel("Coming fair", kind=ChannelKind.TRADE_FAIR, starts_on=today)
    assert curation.is_past(fair, today)
    assert not curation.is_past(showroom, today)
    assert not curation.is_past(exchange, today)
    assert curation.is_past(archived, today)
    assert not curation.is_past(coming, today)


def test_a_returned_or_sold_out_product_leaves_the_shelf(app: Flask, client: FlaskClient) -> None:
    data = _little_bandung(app)
    on_shelf, sold_out, returned, waiting = data["slugs"]
    html = _page(client, "little-bandung")

    assert "Products in this channel (2)" in html
    for slug in (on_shelf, waiting):
        assert f"/channels/little-bandung/products/{slug}" in html
    assert returned not in html and sold_out not in html
    assert data["codes"][1] not in html and data["codes"][2] not in html

    # Everywhere the line-up shows: the followed link, the catalog's filter, the API, the PDF.
    for gone in (returned, sold_out):
        assert client.get(f"/channels/little-bandung/products/{gone}").status_code == 404
    assert client.get(f"/channels/little-bandung/products/{on_shelf}").status_code == 302
    catalog = client.get("/catalog?channel=little-bandung").get_data(as_text=True)
    assert f"/products/{on_shelf}" in catalog
    assert f"/products/{sold_out}" not in catalog and f"/products/{returned}" not in catalog
    lineup = client.get("/api/v1/channels/little-bandung").get_json()["lineup"]
    assert len(lineup) == 2 and returned not in str(lineup) and sold_out not in str(lineup)

    # Their printed tags still lead to the products; a returned one counts nothing for the
    # channel, a sold-out one's scan counts (the tag may still be on the empty shelf).
    for token, slug in ((data["returned_token"], returned), (data["sold_out_token"], sold_out)):
        response = client.get(f"/t/{token}")
        assert response.status_code == 302
        assert response.headers["Location"].startswith(f"/products/{slug}")
    with app.app_context():
        scans = db.session.scalars(sa.select(Scan.product_id)).all()
        sold_out_id = db.session.scalar(sa.select(Product.id).where(Product.slug == sold_out))
        assert scans == [sold_out_id]


def test_the_office_prints_no_tag_for_a_returned_or_sold_out_product(
    app: Flask, login_as: Any
) -> None:
    data = _little_bandung(app)
    with app.app_context():
        officer = make_officer()
        channel_id = db.session.scalars(
            sa.select(Channel.id).where(Channel.slug == "little-bandung")
        ).one()
        commit_and_detach(officer)
    response = login_as(officer).get(f"/office/channels/{channel_id}/tags.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    links = [
        barcode.text
        for page in reader.pages
        for image in page.images
        for barcode in zxingcpp.read_barcodes(image.image)
    ]
    assert len(links) == 2
    for token in (data["returned_token"], data["sold_out_token"]):
        assert not any(link.endswith(f"/t/{token}") for link in links)


def test_little_bandungs_place_reads_once(app: Flask, client: FlaskClient) -> None:
    _little_bandung(app)
    for html in (
        _page(client, "little-bandung"),
        client.get("/channels", headers=ENGLISH).get_data(as_text=True),
        client.get("/", headers=ENGLISH).get_data(as_text=True),
    ):
        assert "Hongdae, Seoul" in html
        assert "Seoul, Hongdae" not in html and "Seoul · Hongdae" not in html
    html = _page(client, "little-bandung")
    assert '<p class="meta">Showroom · Hongdae, Seoul</p>' in html


def test_a_place_names_the_venue_then_the_city_each_once(ctx: Flask) -> None:
    assert make_channel("A", city="Seoul", venue="Hongdae, Seoul").place == "Hongdae, Seoul"
    assert make_channel("B", city="Paris", venue="Café Lumière").place == "Café Lumière, Paris"
    assert make_channel("C", city="Paris", venue=None).place == "Paris"
    assert make_channel("D", city="Paris", venue="  ").place == "Paris"
    fair = make_channel("E", city="Braunschweig", venue="Braunschweig exhibition grounds")
    assert fair.place == "Braunschweig exhibition grounds"


def test_the_page_is_in_the_channels_language_unless_the_browser_names_one_of_ours(
    app: Flask, client: FlaskClient
) -> None:
    data = _little_bandung(app)
    korean = _page(client, "little-bandung", {"Accept-Language": "ja"})
    assert '<html lang="ko">' in korean
    assert '<h3 lang="ko"><a href="/channels/little-bandung/products/' in korean
    assert "대나무 램프" in korean  # the line-up's product text in the channel's language

    german = _page(client, "little-bandung", {"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in german and "대나무 램프" not in german
    assert "대나무 램프" in _page(client, "little-bandung?lang=ko", {})
    # The channel's language is for its own page; the rest of the site keeps the fallback.
    assert '<html lang="en">' in client.get("/catalog").get_data(as_text=True)
    assert data["slugs"][0] in korean


def test_the_seeded_harz_und_heide_of_may_2026_is_past_after_its_dates(
    app: Flask, client: FlaskClient
) -> None:
    html = _page(client, "harz-und-heide")
    past = bandung_today() > date(2026, 5, 25)
    assert ("Past edition" in html) is past
    assert ("For Bandung MSMEs" in html) is not past


def test_the_channels_index_says_open_for_nominations_only_while_they_are_taken(
    app: Flask, client: FlaskClient
) -> None:
    today = bandung_today()
    with app.app_context():
        harz_und_heide(
            capacity=None, starts_on=today - timedelta(days=12), ends_on=today - timedelta(days=8)
        )
        make_channel("Window closed", applications_close_on=today - timedelta(days=1))
        make_channel("Window open", applications_close_on=today)
        db.session.commit()

    html = client.get("/channels", headers=ENGLISH).get_data(as_text=True)
    current, past = html.split('<h2 id="past-heading">Past editions</h2>', 1)
    cards = {
        card.split("</h2>", 1)[0].rsplit(">", 2)[-2].removesuffix("</a"): card
        for card in current.split('<li class="card">')[1:]
    }
    assert "Harz und Heide" not in cards and 'href="/channels/harz-und-heide"' in past
    assert "Open for nominations" not in past
    assert "Closed for nominations" in cards["Window closed"]
    assert "Open for nominations" not in cards["Window closed"]
    assert "Open for nominations" in cards["Window open"]
