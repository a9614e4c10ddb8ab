"""`flask seed-demo`: reference data plus demo content, printed logins, and a second run that
changes nothing at all (rows, their contents, media files)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.accounts.passwords import verify_password
from marketplace.announcements.models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
)
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.interests.models import Escalation, Interest, InterestStatus
from marketplace.ledger.models import ExchangeRate
from marketplace.main.demo import DEMO_PASSWORD
from marketplace.media.backend import current_storage
from marketplace.media.images import image_key
from marketplace.products.models import Product, ProductStatus
from marketplace.reference.models import PartnerCity
from marketplace.rfq.models import BuyingRequest, RequestStatus
from tests.businesses.helpers import media_files as stored_keys
from tests.factories import make_user

DEMO_EMAILS = (
    "admin@demo.example",
    "officer@demo.example",
    "buyer@demo.example",
    "bamboo@demo.example",
    "batik@demo.example",
    "coffee@demo.example",
    "leather@demo.example",
)


def seed(app: Flask) -> Any:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with app.app_context():
        return {
            table.name: [
                tuple(row)
                for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def media_files(app: Flask) -> set[str]:
    return set(stored_keys(app))


def test_prints_the_demo_logins(app: Flask) -> None:
    output = seed(app).output

    assert "Demo logins" in output
    for email in DEMO_EMAILS:
        line = next(line for line in output.splitlines() if email in line)
        assert DEMO_PASSWORD in line
    assert "Braunschweiger Handelshaus" in output
    assert "Reference data: 39 rows created" in output
    assert "4 businesses, 11 products" in output


def test_second_run_changes_nothing(app: Flask) -> None:
    seed(app)
    rows, files = snapshot(app), media_files(app)

    output = seed(app).output

    assert snapshot(app) == rows
    assert media_files(app) == files
    assert "0 accounts, 0 businesses, 0 products and 0 photos created" in output
    assert "Exchange rates: 0 set." in output
    assert "Announcements: 0 sent." in output
    sizes = {name: len(table) for name, table in rows.items()}
    assert sizes.items() >= {"users": 8, "businesses": 4, "products": 11}.items()
    assert sizes["product_images"] == 15 and len(files) >= 15


def test_demo_products_are_on_the_home_page(app: Flask, client: FlaskClient) -> None:
    seed(app)

    html = client.get("/").get_data(as_text=True)

    assert "Angklung diatonic set, 8 notes (C major)" in html
    assert "Hand-drawn batik silk scarf" in html
    assert "Little Bandung" in html
    assert "Harz und Heide" in html


def test_demo_accounts_can_log_in(app: Flask) -> None:
    seed(app)

    with app.app_context():
        users = db.session.scalars(sa.select(User).where(User.email.in_(DEMO_EMAILS))).all()
        assert len(users) == len(DEMO_EMAILS)
        for user in users:
            assert verify_password(user.password_hash, DEMO_PASSWORD), user.email
            assert user.email_verified_at is not None
            assert user.is_active
        roles = {user.email: user.role for user in users}
        assert roles["admin@demo.example"] == Role.ADMIN
        assert roles["officer@demo.example"] == Role.OFFICER
        assert roles["buyer@demo.example"] == Role.BUYER
        assert [r for r in roles.values() if r == Role.MSME] == [Role.MSME] * 4

        buyer = next(user for user in users if user.role == Role.BUYER)
        assert buyer.buyer_profile is not None
        assert buyer.buyer_profile.company == "Braunschweiger Handelshaus"
        assert buyer.buyer_profile.partner_city is not None
        assert buyer.buyer_profile.partner_city.name == "Braunschweig"


def test_demo_businesses_are_verified_and_export_ready(app: Flask) -> None:
    seed(app)

    with app.app_context():
        businesses = db.session.scalars(sa.select(Business)).all()
        assert len(businesses) == 4
        for business in businesses:
            assert business.status == BusinessStatus.VERIFIED
            assert business.nib is not None and len(business.nib) == 13 and business.nib.isdigit()
            assert business.district and business.subsector_code and business.year_founded
            assert business.certifications
            assert 2 <= len(business.products) <= 4
        coffee = next(b for b in businesses if b.owner.email == "coffee@demo.example")
        certificates = {c.certification_code: c for c in coffee.certifications}
        assert set(certificates) == {"halal", "pirt"}
        assert all(c.number and c.expires_on for c in certificates.values())

        storage = current_storage()
        products = db.session.scalars(sa.select(Product)).all()
        for product in products:
            assert product.status == ProductStatus.PUBLISHED
            assert product.published_at is not None
            assert product.price_idr and product.hs_code and product.moq
            assert "id" in {t.locale for t in product.translations}
            assert 1 <= len(product.images) <= 2
            for image in product.images:
                assert storage.exists(image_key(image.digest, 0))
                assert image.alt_text and image.width > 0
        assert sum("de" in {t.locale for t in p.translations} for p in products) >= 3


def test_the_demo_has_an_announcement_sent_to_the_crafts_and_fashion_msmes(app: Flask) -> None:
    assert "Announcements: 1 sent." in seed(app).output
    with app.app_context():
        (announcement,) = db.session.scalars(sa.select(Announcement)).all()
        assert announcement.status == AnnouncementStatus.SENT
        reached = db.session.scalars(
            sa.select(Business.slug)
            .join(AnnouncementRecipient, AnnouncementRecipient.business_id == Business.id)
            .order_by(Business.slug)
        ).all()
        assert reached == ["awi-kriya-bandung", "batik-sekar-priangan", "kulit-sae-cibaduyut"]


def test_the_demo_buyer_has_a_buying_request_and_conversations(app: Flask) -> None:
    """The demo shows the buyer's request with a quote, the bamboo MSME's reply figures and
    an unanswered interest in the office's queue."""
    output = seed(app).output
    assert "Conversations of the demo buyer: 4 created." in output
    with app.app_context():
        (request,) = db.session.scalars(sa.select(BuyingRequest)).all()
        assert request.status == RequestStatus.OPEN and len(request.quotes) == 1
        assert request.quotes[0].business.slug == "awi-kriya-bandung"
        statuses = db.session.scalars(sa.select(Interest.status).order_by(Interest.id)).all()
        assert statuses.count(InterestStatus.REPLIED) == 3
        (escalation,) = db.session.scalars(sa.select(Escalation)).all()
        assert escalation.interest.first_reply_at is None


def _has_text(value: str | None) -> bool:
    return bool(value and value.strip())


def test_every_demo_text_is_written_in_all_seven_languages(app: Flask) -> None:
    """Each demo product's name, description, materials and story, and each demo business's
    description, monthly capacity and export markets: English on the row, and a translation
    (not a copy of the English) in each of the six other languages."""
    seed(app)
    others = {"id", "de", "fr", "ko", "ms", "zh"}
    with app.app_context():
        products = db.session.scalars(sa.select(Product)).all()
        assert len(products) == 11
        for product in products:
            english = [product.name, product.description, product.materials, product.story]
            assert all(_has_text(text) for text in english), product.slug
            translations = {t.locale: t for t in product.translations}
            assert set(translations) == others, product.slug
            for locale, t in translations.items():
                texts = [t.name, t.description, t.materials, t.story]
                assert all(_has_text(text) for text in texts), (product.slug, locale)
                # Same words as English only where nothing is language-bound (e.g. a brand).
                assert t.description != product.description, (product.slug, locale)
                assert t.story != product.story, (product.slug, locale)
        for business in db.session.scalars(sa.select(Business)).all():
            translations = {t.locale: t for t in business.translations}
            assert set(translations) == others, business.slug
            for locale, t in translations.items():
                texts = [t.description, t.monthly_capacity]
                assert all(_has_text(text) for text in texts), (business.slug, locale)
                assert t.description != business.description, (business.slug, locale)
        # Korean and Chinese are written in their own scripts.
        ko = [t for p in products for t in p.translations if t.locale == "ko"]
        zh = [t for p in products for t in p.translations if t.locale == "zh"]
        assert all(any("\uac00" <= ch <= "\ud7a3" for ch in t.story or "") for t in ko)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t.story or "") for t in zh)


def test_refuses_a_demo_email_taken_by_another_role(app: Flask) -> None:
    with app.app_context():
        make_user(Role.BUYER, email="admin@demo.example")
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert "admin@demo.example already exists with the role buyer" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0


def test_the_channels_currencies_have_dated_rates(app: Flask) -> None:
    """Every partner city's currency is converted, some with an older and a newer rate; a
    currency the office set a rate for before is kept as the office set it."""
    with app.app_context():
        db.session.add(
            ExchangeRate(
                currency="EUR", idr_per_unit=Decimal("18000"), effective_on=date(2026, 6, 1)
            )
        )
        db.session.commit()
    assert "Exchange rates: 7 set." in seed(app).output
    assert "Exchange rates: 0 set." in seed(app).output  # a second run adds nothing
    with app.app_context():
        rates: dict[str, list[tuple[Decimal, date]]] = {}
        for rate in db.session.scalars(sa.select(ExchangeRate).order_by(ExchangeRate.effective_on)):
            rates.setdefault(rate.currency, []).append((rate.idr_per_unit, rate.effective_on))
        channels = {c.slug: c.currency for c in db.session.scalars(sa.select(Channel))}
        cities = {city.currency for city in db.session.scalars(sa.select(PartnerCity))}
    assert rates["EUR"] == [(Decimal("18000"), date(2026, 6, 1))]
    assert rates["KRW"] == [
        (Decimal("11.92"), date(2026, 9, 1)),
        (Decimal("11.75"), date(2026, 12, 1)),
    ]
    assert rates["MYR"] == [(Decimal("3700"), date(2026, 12, 1))]
    assert len(rates["USD"]) == 2 and rates["USD"][-1] == (Decimal("16650"), date(2026, 12, 1))
    assert {"CNY", "AUD"} <= set(rates)
    assert cities >= {"EUR", "KRW", "MYR", "CNY", "USD", "AUD"}
    assert cities <= set(rates)
    for slug in ("little-bandung", "harz-und-heide", "petaling-jaya-creative-exchange"):
        assert channels[slug] in rates
