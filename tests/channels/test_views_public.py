"""The public channel pages and the tag's short address, through the real HTTP stack."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.channels import curation
from marketplace.channels.models import ChannelStatus, ChannelView, Nomination, Scan, ViewKind
from marketplace.channels.queries import partner_figures
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.interests.queries import partner_interests
from marketplace.periods import bandung_today
from marketplace.products.models import Product, ProductStatus
from marketplace.reference.models import PartnerCity
from marketplace.visits import VISIT_KEY
from tests.channels.helpers import ENGLISH, accept, nominate_all
from tests.factories import (
    add_translation,
    harz_und_heide,
    make_business,
    make_channel,
    make_officer,
    make_product,
    make_user,
    owner_with_products,
    set_rate,
)


def _fair_with_lineup(app: Flask) -> dict[str, object]:
    """Harz und Heide with two accepted products (two MSMEs), one waiting, one declined."""
    with app.app_context():
        channel = harz_und_heide(capacity=10)
        officer = make_officer()
        lamp = owner_with_products(1)[0]
        add_translation(lamp, "de", "Bambus-Pendelleuchte")
        batik = make_business(name="Batik Priangan")
        scarf = make_product(batik, name="Silk scarf", price_idr=1_250_000)
        waiting = make_product(batik, name="Waiting shirt")
        declined = make_product(batik, name="Declined bag")
        noms = nominate_all([lamp, scarf, waiting, declined], channel)
        accept(officer, noms[0])
        accept(officer, noms[1])
        curation.decide_nomination(noms[3], officer, False, "Not for a consumer fair.")
        set_rate("EUR", "18000", bandung_today() - timedelta(days=3))
        db.session.commit()
        return {
            "channel_id": channel.id,
            "token": noms[0].qr_token,
            "lamp": lamp.slug,
            "scarf": scarf.slug,
            "waiting": waiting.slug,
            "declined": declined.slug,
            "nominations": [n.id for n in noms],
        }


def test_partners_page_shows_the_ties_and_live_figures(app: Flask, client: FlaskClient) -> None:
    data = _fair_with_lineup(app)
    with app.app_context():
        buyer = make_user(Role.BUYER)
        nomination = db.session.get_one(Nomination, data["nominations"][0])
        for status in (InterestStatus.NEW, InterestStatus.SPAM):
            db.session.add(
                Interest(
                    buyer_id=buyer.id,
                    product_id=nomination.product_id,
                    channel_id=nomination.channel_id,
                    status=status,
                )
            )
        db.session.commit()
        braunschweig = db.session.scalar(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        )
        figures = {row[0]: tuple(row[1:]) for row in db.session.execute(partner_figures())}
        interests = dict(db.session.execute(partner_interests()).all())
    assert figures == {braunschweig: (2, 2)}
    assert interests == {braunschweig: 1}

    html = client.get("/partners").get_data(as_text=True)
    card = re.search(rf'id="city-{braunschweig}">(.*?)</li>\s*<li class="card"', html, re.S)
    assert card is not None
    text = " ".join(card.group(1).split())
    assert "Braunschweig" in text and "sister city since 1960" in text
    assert re.search(r"MSMEs taking part</dt><dd>2</dd>", text)
    assert re.search(r"Products shown</dt><dd>2</dd>", text)
    assert re.search(r"Interests from buyers</dt><dd>1</dd>", text)
    assert "Harz und Heide" in text
    assert html.count("<h1>") == 1
    # Cities without a known year say so rather than guess one.
    assert "year the tie began not recorded" in html


def test_channels_list_open_and_closed_and_past_editions(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_channel("Secret draft", status=ChannelStatus.DRAFT)
        make_channel(
            "Harz und Heide 2025",
            status=ChannelStatus.ARCHIVED,
            series="Harz und Heide",
            starts_on=date(2025, 5, 22),
        )
        db.session.commit()
    html = client.get("/channels").get_data(as_text=True)
    for name in (
        "Little Bandung",
        "Harz und Heide",
        "Europalia",
        "Petaling Jaya creative-economy exchange",
    ):
        assert name in html
    assert "Secret draft" not in html
    past = html.split("Past editions", 1)[1]
    assert "Harz und Heide 2025" in past
    assert client.get("/channels/secret-draft").status_code == 404
    archived = client.get("/channels/harz-und-heide-2025", headers=ENGLISH)
    assert archived.status_code == 200
    assert "This edition has ended" in archived.get_data(as_text=True)


def test_channel_page_shows_the_accepted_products_only(app: Flask, client: FlaskClient) -> None:
    data = _fair_with_lineup(app)
    response = client.get("/channels/harz-und-heide", headers=ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"/channels/harz-und-heide/products/{data['lamp']}" in html
    assert f"/channels/harz-und-heide/products/{data['scarf']}" in html
    assert data["waiting"] not in html and data["declined"] not in html
    assert "Products in this channel (2)" in html
    assert "≈ €69.44</summary>" in html  # 1,250,000 / 18,000
    assert "(trade office), indicative" in html
    assert "/channels/harz-und-heide/catalog.pdf" in html
    assert "May 21, 2026" in html and "May 25, 2026" in html

    # A product that leaves the public catalog leaves the line-up page too.
    with app.app_context():
        scarf = db.session.scalar(sa.select(Product).where(Product.slug == data["scarf"]))
        assert scarf is not None
        scarf.business.status = BusinessStatus.SUSPENDED
        db.session.commit()
    html = client.get("/channels/harz-und-heide", headers=ENGLISH).get_data(as_text=True)
    assert data["scarf"] not in html
    with app.app_context():
        views = db.session.scalars(
            sa.select(ChannelView.kind).where(ChannelView.channel_id == data["channel_id"])
        ).all()
    assert views == [ViewKind.PAGE]  # the same visitor again today: counted once


def test_a_tag_opens_the_product_in_the_channels_language(app: Flask, client: FlaskClient) -> None:
    data = _fair_with_lineup(app)
    response = client.get(f"/t/{data['token']}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{data['lamp']}?lang=de"
    assert "no-store" in response.headers["Cache-Control"]
    with client.session_transaction() as session:
        assert session[VISIT_KEY]["id"] == data["channel_id"]
        assert session["content_locale"] == "de"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bambus-Pendelleuchte" in page
    # The channel's language stays for the visit, without the query string too.
    assert "Bambus-Pendelleuchte" in client.get(f"/products/{data['lamp']}").get_data(as_text=True)
    with app.app_context():
        scans = db.session.scalars(sa.select(Scan)).all()
        assert [(s.channel_id, s.nomination_id) for s in scans] == [
            (data["channel_id"], data["nominations"][0])
        ]


def test_unknown_tags_are_not_found(app: Flask, client: FlaskClient) -> None:
    _fair_with_lineup(app)
    assert client.get("/t/not-a-token").status_code == 404
    assert client.get("/t/" + "x" * 40).status_code == 404
    with client.session_transaction() as session:
        assert VISIT_KEY not in session


def test_a_tag_of_a_withdrawn_product_still_opens_it_but_counts_nothing(
    app: Flask, client: FlaskClient
) -> None:
    data = _fair_with_lineup(app)
    with app.app_context():
        nomination = db.session.get_one(Nomination, data["nominations"][0])
        curation.withdraw(nomination, nomination.product.business.owner)
        db.session.commit()
    response = client.get(f"/t/{data['token']}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{data['lamp']}?lang=de"
    with client.session_transaction() as session:
        assert VISIT_KEY not in session
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Scan.id))) == 0


def test_a_tag_of_a_product_not_public_leads_to_the_channel(
    app: Flask, client: FlaskClient
) -> None:
    data = _fair_with_lineup(app)
    with app.app_context():
        lamp = db.session.scalar(sa.select(Product).where(Product.slug == data["lamp"]))
        assert lamp is not None
        lamp.status = ProductStatus.PENDING_REVIEW
        db.session.commit()
    response = client.get(f"/t/{data['token']}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/channels/harz-und-heide"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Scan.id))) == 1


def test_following_a_product_from_the_channel_credits_the_visit(
    app: Flask, client: FlaskClient
) -> None:
    data = _fair_with_lineup(app)
    response = client.get(f"/channels/harz-und-heide/products/{data['scarf']}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{data['scarf']}?lang=de"
    with client.session_transaction() as session:
        assert session[VISIT_KEY]["id"] == data["channel_id"]
    assert client.get(f"/channels/harz-und-heide/products/{data['waiting']}").status_code == 404
    assert client.get("/channels/europalia/products/" + str(data["scarf"])).status_code == 404
    with app.app_context():
        views = db.session.execute(
            sa.select(ChannelView.kind, ChannelView.product_id).where(
                ChannelView.kind == ViewKind.PRODUCT
            )
        ).all()
    assert len(views) == 1 and views[0][1] is not None
