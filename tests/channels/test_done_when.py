"""The issue's end-to-end check on the demo data: after `flask seed-demo` the four channels exist
with their partner cities; the office opens Harz und Heide with room for 3 more products than
its demo line-up holds, four MSMEs nominate, and the fourth acceptance is refused for capacity.
Everything through HTTP."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel, Nomination, NominationStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from tests.conftest import post_form

# The demo's photos are drawn once per session.
pytestmark = pytest.mark.usefixtures("demo_images_once")


def _seed(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _detached(user: User) -> User:
    db.session.expunge(user)
    return user


def test_seeded_channels_and_partner_cities_are_shown(app: Flask, client: FlaskClient) -> None:
    _seed(app)
    channels = client.get("/channels").get_data(as_text=True)
    for name in (
        "Little Bandung",
        "Harz und Heide",
        "Europalia",
        "Petaling Jaya creative-economy exchange",
    ):
        assert name in channels
    partners = client.get("/partners").get_data(as_text=True)
    assert "sister city since 1960" in partners.split("Braunschweig", 1)[1].split("</li>", 1)[0]
    for city in ("Namur", "Petaling Jaya", "Suwon", "Fort Worth"):
        assert city in partners
    with app.app_context():
        rows = db.session.execute(
            sa.select(Channel.slug, Channel.partner_city_id).order_by(Channel.slug)
        ).all()
    assert [slug for slug, _city in rows] == [
        "europalia",
        "harz-und-heide",
        "little-bandung",
        "petaling-jaya-creative-exchange",
    ]
    assert [city is not None for _slug, city in rows] == [True, True, False, True]


def test_harz_und_heide_with_room_for_three_refuses_the_fourth(app: Flask, login_as: Any) -> None:
    _seed(app)
    with app.app_context():
        officer = _detached(
            db.session.scalars(sa.select(User).where(User.role == Role.OFFICER)).first()
        )
        channel = db.session.scalar(sa.select(Channel).where(Channel.slug == "harz-und-heide"))
        assert channel is not None and officer is not None
        in_lineup = set(
            db.session.scalars(
                sa.select(Nomination.product_id).where(
                    Nomination.channel_id == channel.id,
                    Nomination.status == NominationStatus.ACCEPTED,
                )
            )
        )
        assert in_lineup, "the demo gives the fair a line-up"
        capacity = len(in_lineup) + 3
        form = {
            "name": channel.name,
            "series": channel.series or "",
            "kind": channel.kind.value,
            "city": channel.city,
            "country_code": channel.country_code,
            "venue": channel.venue or "",
            "partner_city_id": str(channel.partner_city_id),
            "description": channel.description,
            "starts_on": "2026-05-21",
            "ends_on": "2026-05-25",
            "applications_open_on": "",
            "applications_close_on": "",
            "capacity": str(capacity),
            "locale": channel.locale,
            "currency": channel.currency,
            "status": "open",
        }
        channel_id = channel.id
        # One published product from each of the four demo MSMEs, not yet at the fair.
        entries = []
        for business in db.session.scalars(sa.select(Business).order_by(Business.id)):
            product = db.session.scalar(
                sa.select(Product)
                .where(
                    Product.business_id == business.id,
                    Product.status == ProductStatus.PUBLISHED,
                    Product.id.not_in(in_lineup),
                )
                .order_by(Product.id)
            )
            assert product is not None
            entries.append((_detached(business.owner), product.id))
    assert len(entries) == 4

    office = login_as(officer)
    assert post_form(office, f"/office/channels/{channel_id}/edit", form).status_code == 302

    for owner, product_id in entries:
        response = post_form(
            login_as(owner),
            "/my/nominations/new",
            {"product": str(product_id), "channel": "harz-und-heide", "note": "For the fair."},
        )
        assert response.status_code == 302

    with app.app_context():
        ids = db.session.scalars(
            sa.select(Nomination.id)
            .where(
                Nomination.channel_id == channel_id,
                Nomination.status == NominationStatus.NOMINATED,
            )
            .order_by(Nomination.id)
        ).all()
    review = f"/office/channels/{channel_id}"
    messages = []
    for nomination_id in ids:
        response = post_form(
            office,
            f"{review}/nominations/{nomination_id}/decide",
            {
                f"n{nomination_id}-decision-decision": "accept",
                f"n{nomination_id}-decision-reason": "Fits a consumer fair.",
            },
            page=review,
            follow_redirects=True,
        )
        messages.append(response.get_data(as_text=True))
    # The demo officer reads the office in Indonesian.
    full = f"Semua tempat di kanal promosi ini sudah terisi ({capacity} dari {capacity})"
    assert full in messages[3]
    with app.app_context():
        statuses = [db.session.get_one(Nomination, i).status for i in ids]
    assert statuses == [NominationStatus.ACCEPTED] * 3 + [NominationStatus.NOMINATED]

    # The printed tags carry exactly the accepted products: the demo's and the three.
    reader = PdfReader(io.BytesIO(office.get(f"{review}/tags.pdf").data))
    codes = [
        barcode.text
        for page in reader.pages
        for image in page.images
        for barcode in zxingcpp.read_barcodes(image.image)
    ]
    assert len(codes) == capacity and all("/t/" in code for code in codes)
