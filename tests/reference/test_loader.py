"""Loading the reference data: every row from the packaged files, idempotently, drift repaired."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.channels.models import Channel, ChannelKind, ChannelStatus
from marketplace.channels.seed import load_reference_data
from marketplace.db import db
from marketplace.reference.loader import currencies, incoterms, units
from marketplace.reference.models import Certification, PartnerCity, Subsector

MODELS = (Subsector, Certification, PartnerCity, Channel)


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in MODELS
    }


def get(model: type[Subsector] | type[Certification], code: str) -> Any:
    row = db.session.get(model, code)
    assert row is not None, code
    return row


def city(name: str) -> PartnerCity:
    return db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == name)).one()


def channel(slug: str) -> Channel:
    return db.session.scalars(sa.select(Channel).where(Channel.slug == slug)).one()


def test_loads_every_row(ctx: Flask) -> None:
    result = load_reference_data()
    db.session.commit()

    assert counts() == {"Subsector": 17, "Certification": 9, "PartnerCity": 9, "Channel": 4}
    assert result == {"created": 39, "updated": 0}

    kriya = get(Subsector, "kriya")
    assert (kriya.name_id, kriya.name_en, kriya.goods) == ("Kriya", "Crafts", True)
    assert get(Subsector, "aplikasi").goods is False
    halal = get(Certification, "halal")
    assert halal.name == "Halal certificate (BPJPH)"
    assert halal.description.startswith("halal certification for food")

    braunschweig = city("Braunschweig")
    assert (braunschweig.since_year, braunschweig.country_code) == (1960, "DE")
    assert (braunschweig.currency, braunschweig.locale) == ("EUR", "de")
    assert braunschweig.notes and "Harz und Heide" in braunschweig.notes
    assert city("Suwon").since_year is None  # unknown stays unknown, never guessed
    assert city("Suwon").notes is None


def test_channels_are_linked_and_open(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()

    fair = channel("harz-und-heide")
    assert fair.partner_city is not None and fair.partner_city.name == "Braunschweig"
    assert fair.kind == ChannelKind.TRADE_FAIR
    assert fair.series == "Harz und Heide"
    assert (fair.starts_on, fair.ends_on) == (date(2026, 5, 21), date(2026, 5, 25))
    assert (fair.locale, fair.currency) == ("de", "EUR")

    showroom = channel("little-bandung")
    assert showroom.partner_city is None
    assert (showroom.city, showroom.country_code) == ("Seoul", "KR")
    assert showroom.venue == "Hongdae, Seoul"
    assert (showroom.locale, showroom.currency) == ("ko", "KRW")

    europalia = channel("europalia")
    assert europalia.partner_city is not None and europalia.partner_city.name == "Namur"
    assert (europalia.venue, europalia.locale, europalia.currency) == (None, "fr", "EUR")
    exchange = channel("petaling-jaya-creative-exchange")
    assert exchange.kind == ChannelKind.EXCHANGE
    assert (exchange.locale, exchange.currency) == ("ms", "MYR")

    assert {c.status for c in db.session.scalars(sa.select(Channel))} == {ChannelStatus.OPEN}
    assert {c.capacity for c in db.session.scalars(sa.select(Channel))} == {None}


def test_second_load_creates_and_changes_nothing(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()
    before = counts()
    stamp = channel("harz-und-heide").updated_at

    assert load_reference_data() == {"created": 0, "updated": 0}
    db.session.commit()

    assert counts() == before
    assert channel("harz-und-heide").updated_at == stamp


def test_reference_lists_are_restored_and_office_edits_kept(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()
    city("Braunschweig").since_year = 1999
    city("Suwon").since_year = 2000
    get(Certification, "svlk").name = "Something else"
    fair = channel("harz-und-heide")
    fair.partner_city = None
    fair.ends_on = date(2026, 5, 30)
    db.session.commit()

    assert load_reference_data() == {"created": 0, "updated": 1}
    db.session.commit()

    db.session.expire_all()
    assert get(Certification, "svlk").name == "SVLK / V-Legal"
    # Cities and channels belong to the office once they exist.
    assert city("Braunschweig").since_year == 1999
    assert city("Suwon").since_year == 2000
    fair = channel("harz-und-heide")
    assert fair.partner_city is None
    assert fair.ends_on == date(2026, 5, 30)
    assert counts() == {"Subsector": 17, "Certification": 9, "PartnerCity": 9, "Channel": 4}


def test_missing_rows_are_added_back(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()
    db.session.delete(channel("europalia"))
    db.session.delete(get(Subsector, "musik"))
    db.session.commit()

    assert load_reference_data() == {"created": 2, "updated": 0}
    db.session.commit()
    restored = channel("europalia")
    assert restored.partner_city is not None and restored.partner_city.name == "Namur"
    assert restored.status == ChannelStatus.OPEN
    assert counts()["Subsector"] == 17


def test_a_channel_the_office_closed_stays_closed(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()
    channel("europalia").status = ChannelStatus.CLOSED
    db.session.commit()

    load_reference_data()
    db.session.commit()

    assert channel("europalia").status == ChannelStatus.CLOSED


def test_export_term_lists() -> None:
    assert incoterms()[0] == "EXW"
    assert {"FOB", "CIF", "DAP", "DDP"} <= set(incoterms())
    assert len(incoterms()) == 11
    assert {"piece", "pair", "set", "kg", "box"} <= set(units())
    assert currencies()[0] == "IDR"
    assert {"EUR", "KRW", "MYR", "USD"} <= set(currencies())
    assert incoterms() is incoterms()  # read once and cached


def test_a_city_without_a_zone_gets_the_shipped_one_and_a_chosen_zone_stays(ctx: Flask) -> None:
    load_reference_data()
    db.session.commit()
    city("Namur").timezone = None
    city("Fort Worth").timezone = "America/Denver"
    db.session.commit()

    assert load_reference_data() == {"created": 0, "updated": 1}
    db.session.commit()

    db.session.expire_all()
    assert city("Namur").timezone == "Europe/Brussels"
    assert city("Fort Worth").timezone == "America/Denver"
