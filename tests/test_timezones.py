"""Which zone a person reads times in, and how a moment and a date are written for them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from flask_login import login_user

from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.accounts.zones import select_timezone, zone_of
from marketplace.channels.models import Channel
from marketplace.dates import force_timezone, format_day, format_when, when
from marketplace.db import db
from marketplace.reference.models import PartnerCity
from marketplace.timezones import OFFICE_ZONE
from marketplace.visits import start_channel_visit
from tests.factories import make_user, seed_reference

MOMENT = datetime(2026, 12, 4, 12, 15, tzinfo=UTC)


@pytest.fixture
def seeded(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        seed_reference()
        db.session.flush()
        yield app


def _city(name: str) -> PartnerCity:
    return db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == name)).one()


def _channel(slug: str) -> int:
    return db.session.scalars(sa.select(Channel.id).where(Channel.slug == slug)).one()


def _buyer(city: str | None = None, **fields: object) -> User:
    buyer = make_user(Role.BUYER, **fields)
    buyer.buyer_profile = BuyerProfile(
        company="Handel GmbH",
        buyer_type=BuyerType.RETAILER,
        city=city or "Elsewhere",
        country_code="DE",
        partner_city=_city(city) if city else None,
    )
    db.session.flush()
    return buyer


def _zone(app: Flask, user: User | None = None, via: str | None = None) -> str:
    """The zone a request of `user` (None: a visitor) reads, on a visit through `via`."""
    with app.test_request_context("/"):
        if user is not None:
            login_user(user)
        if via is not None:
            start_channel_visit(_channel(via))
        return select_timezone()


def test_the_seeded_partner_cities_have_their_zones(seeded: Flask) -> None:
    zones = dict(db.session.execute(sa.select(PartnerCity.name, PartnerCity.timezone)).all())
    assert zones == {
        "Braunschweig": "Europe/Berlin",
        "Fort Worth": "America/Chicago",
        "Suwon": "Asia/Seoul",
        "Yingkou": "Asia/Shanghai",
        "Liuzhou": "Asia/Shanghai",
        "Hangzhou": "Asia/Shanghai",
        "Namur": "Europe/Brussels",
        "Petaling Jaya": "Asia/Kuala_Lumpur",
        "Melbourne": "Australia/Melbourne",
    }


def test_a_visitor_reads_the_zone_of_the_channel_that_brought_them(seeded: Flask) -> None:
    assert _zone(seeded) == OFFICE_ZONE
    assert _zone(seeded, via="harz-und-heide") == "Europe/Berlin"
    assert _zone(seeded, via="europalia") == "Europe/Brussels"
    # Little Bandung (Seoul) has no partnership: the zone of Korea's partner city.
    assert _zone(seeded, via="little-bandung") == "Asia/Seoul"


def test_saved_zone_then_partner_city_then_visit_then_jakarta(seeded: Flask) -> None:
    saved = _buyer("Suwon", timezone="America/Chicago")
    assert _zone(seeded, saved, via="harz-und-heide") == "America/Chicago"
    partner = _buyer("Suwon")
    assert _zone(seeded, partner, via="harz-und-heide") == "Asia/Seoul"
    no_city = _buyer()
    assert _zone(seeded, no_city, via="harz-und-heide") == "Europe/Berlin"
    assert _zone(seeded, no_city) == OFFICE_ZONE


def test_msme_owners_and_the_office_read_jakarta_unless_they_chose(seeded: Flask) -> None:
    for role in (Role.MSME, Role.OFFICER, Role.ADMIN):
        assert _zone(seeded, make_user(role), via="harz-und-heide") == OFFICE_ZONE
    chose = make_user(Role.MSME, timezone="Europe/Berlin")
    assert _zone(seeded, chose) == "Europe/Berlin"


def test_a_zone_nobody_knows_counts_as_none(seeded: Flask) -> None:
    buyer = _buyer("Namur", timezone="Mars/Olympus_Mons")
    assert _zone(seeded, buyer) == "Europe/Brussels"
    assert zone_of(buyer) == "Europe/Brussels"


def test_mail_uses_the_recipients_zone_without_a_visit(seeded: Flask) -> None:
    assert zone_of(_buyer("Melbourne")) == "Australia/Melbourne"
    assert zone_of(_buyer()) == OFFICE_ZONE
    assert zone_of(make_user(Role.MSME)) == OFFICE_ZONE


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("en", "Asia/Seoul", "Dec 4, 2026, 9:15\u202fPM GMT+9"),
        ("de", "Europe/Berlin", "04.12.2026, 13:15 MEZ"),
        ("id", OFFICE_ZONE, "4 Des 2026 19.15 WIB"),
        ("fr", "Asia/Kolkata", "4 déc. 2026, 17:45 UTC+5:30"),
        ("en", "America/Chicago", "Dec 4, 2026, 6:15\u202fAM CST"),
        ("zh", "Asia/Shanghai", "2026年12月4日 20:15 GMT+8"),
    ],
)
def test_a_moment_is_written_in_the_readers_format_with_the_zone(
    app: Flask, locale: str, zone: str, expected: str
) -> None:
    with app.test_request_context("/"), force_locale(locale):
        assert format_when(MOMENT, zone) == expected


def test_the_time_element_carries_the_utc_instant(app: Flask) -> None:
    with app.test_request_context("/"), force_locale("de"), force_timezone("Europe/Berlin"):
        html = str(when(MOMENT))
    assert html == '<time datetime="2026-12-04T12:15:00+00:00">04.12.2026, 13:15 MEZ</time>'


def test_force_timezone_writes_for_the_recipient_then_restores(seeded: Flask) -> None:
    with seeded.test_request_context("/"), force_locale("en"):
        with force_timezone("Australia/Melbourne"):
            assert format_when(MOMENT).endswith("11:15\u202fPM GMT+11")
        assert format_when(MOMENT).endswith("7:15\u202fPM GMT+7")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Aug 31, 2028"),
        ("id", "31 Agu 2028"),
        ("de", "31.08.2028"),
        ("fr", "31 août 2028"),
        ("ko", "2028. 8. 31."),
        ("ms", "31 Ogo 2028"),
        ("zh", "2028年8月31日"),
    ],
)
def test_a_date_is_written_in_the_readers_format(app: Flask, locale: str, expected: str) -> None:
    with app.test_request_context("/"), force_locale(locale):
        assert format_day(date(2028, 8, 31)) == expected


def test_the_day_of_a_moment_is_the_readers_day(app: Flask) -> None:
    late = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    with app.test_request_context("/"), force_locale("en"):
        with force_timezone("Asia/Seoul"):
            assert format_day(late) == "Dec 5, 2026"
        with force_timezone("America/Chicago"):
            assert format_day(late) == "Dec 4, 2026"
