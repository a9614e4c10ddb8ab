"""Business-matching events and participants for tests, made through the services (they flush,
never commit)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.db import db
from marketplace.matching import services
from marketplace.matching.models import MatchingEvent, MatchingParticipant
from marketplace.reference.models import PartnerCity
from tests.factories import make_business, make_officer, make_user

KL = "Asia/Kuala_Lumpur"


def first_day(days_ahead: int = 14) -> date:
    return date.today() + timedelta(days=days_ahead)


def petaling_jaya() -> PartnerCity:
    city = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Petaling Jaya"))
    assert city is not None, "load the reference data first"
    return city


def make_event(
    officer: User | None = None,
    *,
    days_ahead: int = 14,
    days: int = 2,
    minutes: int = 20,
    windows: str = "10:00-12:00,14:00-16:00",
    open: bool = True,
) -> MatchingEvent:
    start = first_day(days_ahead)
    return services.create_event(
        officer or make_officer(),
        services.EventData(
            name="Petaling Jaya business matching",
            partner_city_id=petaling_jaya().id,
            description="Bandung MSMEs meet Malaysian buyers.",
            starts_on=start,
            ends_on=start + timedelta(days=days - 1),
            timezone=KL,
            online=False,
            place="PJ Trade Centre, Petaling Jaya",
            meeting_link=None,
            meeting_minutes=minutes,
            windows=windows,
            open=open,
        ),
    )


def kl_time(day: date, at: str) -> datetime:
    """A wall time in Kuala Lumpur as a UTC instant."""
    hours, minutes = (int(part) for part in at.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(KL)).astimezone(UTC)


def join_msme(
    event: MatchingEvent, name: str = "Batik Sekar Jagad", **user: Any
) -> MatchingParticipant:
    owner = make_user(Role.MSME, **user)
    make_business(owner, name=name)
    return services.register(event, owner, f"{name}: hand-made goods.", "Importers in Malaysia.")


def make_malaysian_buyer(company: str = "Kedai Kraf Sdn Bhd", **user: Any) -> User:
    buyer = make_user(Role.BUYER, **user)
    buyer.buyer_profile = BuyerProfile(
        company=company,
        buyer_type=BuyerType.RETAILER,
        city="Kuala Lumpur",
        country_code="MY",
        partner_city=petaling_jaya(),
    )
    db.session.flush()
    return buyer


def join_buyer(
    event: MatchingEvent, company: str = "Kedai Kraf Sdn Bhd", **user: Any
) -> MatchingParticipant:
    buyer = make_malaysian_buyer(company, **user)
    return services.register(event, buyer, "", f"{company} seeks crafts and batik.")
