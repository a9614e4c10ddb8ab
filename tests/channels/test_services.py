"""The office's rules for partner cities and channels, and the seeded channels."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.channels import services
from marketplace.channels.models import Channel, ChannelKind, ChannelStatus
from marketplace.channels.services import ChannelData, ChannelError, PartnerCityData
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.reference.models import PartnerCity
from tests.channels.helpers import accept, nominate_all
from tests.factories import harz_und_heide, make_officer, owner_with_products


def _braunschweig() -> PartnerCity:
    city = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Braunschweig"))
    assert city is not None
    return city


def _edition(**changes: object) -> ChannelData:
    values: dict[str, object] = {
        "name": "Harz und Heide 2027",
        "series": "Harz und Heide",
        "kind": ChannelKind.TRADE_FAIR,
        "city": "Braunschweig",
        "country_code": "de",
        "locale": "de",
        "currency": "eur",
        "venue": "Messegelände",
        "partner_city_id": _braunschweig().id,
        "starts_on": date(2027, 5, 20),
        "ends_on": date(2027, 5, 24),
        "applications_open_on": date(2027, 1, 1),
        "applications_close_on": date(2027, 3, 31),
        "capacity": 20,
        "status": ChannelStatus.DRAFT,
    }
    values.update(changes)
    return ChannelData(**values)  # type: ignore[arg-type]


def test_the_seeded_channels_exist_with_their_partner_cities(ctx: Flask) -> None:
    channels = {c.slug: c for c in db.session.scalars(sa.select(Channel))}
    assert set(channels) == {
        "little-bandung",
        "harz-und-heide",
        "europalia",
        "petaling-jaya-creative-exchange",
    }
    assert channels["harz-und-heide"].partner_city is not None
    assert channels["harz-und-heide"].partner_city.name == "Braunschweig"
    assert channels["harz-und-heide"].partner_city.since_year == 1960
    assert channels["harz-und-heide"].starts_on == date(2026, 5, 21)
    assert channels["harz-und-heide"].ends_on == date(2026, 5, 25)
    assert channels["europalia"].partner_city is not None
    assert channels["europalia"].partner_city.name == "Namur"
    assert channels["little-bandung"].kind == ChannelKind.SHOWROOM


def test_an_edition_of_a_recurring_fair_is_a_channel_of_its_own(ctx: Flask) -> None:
    officer = make_officer()
    channel = services.create_channel(officer, _edition())
    assert channel.slug == "harz-und-heide-2027"
    assert (channel.series, channel.country_code, channel.currency) == (
        "Harz und Heide",
        "DE",
        "EUR",
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "channel.create"))
    assert entry is not None and entry.subject_id == channel.id and entry.actor_id == officer.id
    assert entry.after is not None and entry.after["starts_on"] == "2027-05-20"

    services.update_channel(channel, officer, _edition(name="Harz und Heide 2027 (Halle 3)"))
    assert channel.slug == "harz-und-heide-2027"  # the address never changes
    assert channel.name == "Harz und Heide 2027 (Halle 3)"


def test_dates_must_be_in_order(ctx: Flask) -> None:
    officer = make_officer()
    with pytest.raises(ChannelError, match="end before it starts"):
        services.create_channel(officer, _edition(ends_on=date(2027, 5, 1)))
    with pytest.raises(ChannelError, match="close before they open"):
        services.create_channel(officer, _edition(applications_close_on=date(2026, 12, 1)))
    with pytest.raises(ChannelError, match="language"):
        services.create_channel(officer, _edition(locale="xx"))
    with pytest.raises(ChannelError, match="country code"):
        services.create_channel(officer, _edition(country_code="DEU"))
    assert db.session.scalar(sa.select(sa.func.count(Channel.id))) == 4


def test_capacity_never_drops_below_the_accepted_products(ctx: Flask) -> None:
    channel = harz_und_heide(capacity=5)
    officer = make_officer()
    for nomination in nominate_all(owner_with_products(3), channel):
        accept(officer, nomination)
    data = _edition(name=channel.name, status=ChannelStatus.OPEN, capacity=2)
    with pytest.raises(ChannelError, match="3 products are already accepted"):
        services.update_channel(channel, officer, data)
    services.update_channel(channel, officer, _edition(name=channel.name, capacity=3))
    assert channel.capacity == 3
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "channel.update"))
    assert entry is not None and entry.before is not None and entry.after is not None
    assert (entry.before["capacity"], entry.after["capacity"]) == (5, 3)
    assert entry.reason == "status open -> draft"


def test_partner_cities_are_unique_by_name(ctx: Flask) -> None:
    officer = make_officer()
    data = PartnerCityData(
        name="Cuenca", country_code="ec", country="Ecuador", currency="usd", locale="en"
    )
    city = services.create_partner_city(officer, data)
    assert (city.country_code, city.currency, city.since_year) == ("EC", "USD", None)
    with pytest.raises(ChannelError, match="already a partner city"):
        services.create_partner_city(officer, data)
    with pytest.raises(ChannelError, match="already a partner city"):
        services.update_partner_city(
            city, officer, PartnerCityData("Braunschweig", "DE", "Germany", "EUR", "de")
        )
    services.update_partner_city(
        city, officer, PartnerCityData("Cuenca", "EC", "Ecuador", "USD", "en", since_year=2019)
    )
    assert city.since_year == 2019
    with pytest.raises(ChannelError, match="1900 and 2100"):
        services.update_partner_city(
            city, officer, PartnerCityData("Cuenca", "EC", "Ecuador", "USD", "en", since_year=1492)
        )
