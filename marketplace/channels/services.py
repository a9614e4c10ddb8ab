"""Managing partner cities and promotion channels: the office's rules for creating and editing them.

A channel's slug is made once from its name and never changes: it is printed in catalogs and
shared in links. A recurring fair gets one channel per edition ("Harz und Heide 2026"), grouped
by a shared series name. Every change is written to the audit log with the fields before and
after.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.channels.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationStatus,
)
from marketplace.db import begin_write, db
from marketplace.errors import ServiceError
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.reference.models import PartnerCity
from marketplace.slugs import unique_slug
from marketplace.timezones import is_known_zone


class ChannelError(ServiceError):
    """A rule about a channel or a partner city was not met."""


@dataclass(frozen=True)
class PartnerCityData:
    name: str
    country_code: str
    country: str
    currency: str
    locale: str
    since_year: int | None = None
    timezone: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ChannelData:
    name: str
    kind: ChannelKind
    city: str
    country_code: str
    locale: str = "en"
    currency: str = "IDR"
    status: ChannelStatus = ChannelStatus.DRAFT
    series: str | None = None
    venue: str | None = None
    partner_city_id: int | None = None
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    applications_open_on: date | None = None
    applications_close_on: date | None = None
    capacity: int | None = None
    commission_percent: Decimal = Decimal(0)
    settlement_months: int = 1


def _snapshot(row: Any, names: list[str]) -> dict[str, Any]:
    """JSON-safe values of `names`, for the audit log."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[name] = value
    return out


def _check_code(value: str, length: int, message: Any) -> str:
    value = value.strip().upper()
    if len(value) != length or not value.isalpha() or not value.isascii():
        raise ChannelError(message)
    return value


# ---------------------------------------------------------------------------------------------
# Partner cities


def _check_city(data: PartnerCityData, current: PartnerCity | None) -> PartnerCityData:
    name = data.name.strip()
    if not name:
        raise ChannelError(_l("The partner city needs a name."))
    taken = db.session.scalar(sa.select(PartnerCity.id).where(PartnerCity.name == name))
    if taken is not None and (current is None or taken != current.id):
        raise ChannelError(_l("There is already a partner city of that name."))
    if data.since_year is not None and not 1900 <= data.since_year <= 2100:
        raise ChannelError(_l("The year the tie began must lie between 1900 and 2100."))
    if data.locale not in CONTENT_LOCALES:
        raise ChannelError(_l("Choose a language from the list."))
    if data.timezone is not None and not is_known_zone(data.timezone):
        raise ChannelError(_l("Choose a time zone from the list."))
    return PartnerCityData(
        name=name,
        country_code=_check_code(data.country_code, 2, _l("The country code has two letters.")),
        country=data.country.strip(),
        currency=_check_code(data.currency, 3, _l("The currency code has three letters.")),
        locale=data.locale,
        since_year=data.since_year,
        timezone=data.timezone,
        notes=(data.notes or "").strip() or None,
    )


def create_partner_city(actor: User, data: PartnerCityData) -> PartnerCity:
    clean = _check_city(data, None)
    city = PartnerCity(**{f.name: getattr(clean, f.name) for f in fields(clean)})
    db.session.add(city)
    db.session.flush()
    names = [f.name for f in fields(clean)]
    record_audit(
        actor,
        AuditAction.PARTNER_CITY_CREATE,
        "partner_city",
        city.id,
        None,
        _snapshot(city, names),
    )
    return city


def update_partner_city(city: PartnerCity, actor: User, data: PartnerCityData) -> PartnerCity:
    clean = _check_city(data, city)
    names = [f.name for f in fields(clean)]
    before = _snapshot(city, names)
    for name in names:
        setattr(city, name, getattr(clean, name))
    db.session.flush()
    after = _snapshot(city, names)
    if after != before:
        record_audit(actor, AuditAction.PARTNER_CITY_UPDATE, "partner_city", city.id, before, after)
    return city


# ---------------------------------------------------------------------------------------------
# Channels


def accepted_count(channel_id: int) -> int:
    """How many places of the channel are taken (accepted nominations)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Nomination.id)).where(
                Nomination.channel_id == channel_id, Nomination.status == NominationStatus.ACCEPTED
            )
        )
        or 0
    )


def _check_channel(data: ChannelData, current: Channel | None) -> ChannelData:
    name = data.name.strip()
    if not name:
        raise ChannelError(_l("The channel needs a name."))
    if not data.city.strip():
        raise ChannelError(_l("Say in which city the channel is."))
    if data.locale not in CONTENT_LOCALES:
        raise ChannelError(_l("Choose a language from the list."))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ChannelError(_l("The channel cannot end before it starts."))
    opens, closes = data.applications_open_on, data.applications_close_on
    if opens and closes and closes < opens:
        raise ChannelError(_l("Applications cannot close before they open."))
    if not 0 <= data.commission_percent <= 100:
        raise ChannelError(_l("The commission is a percentage from 0 to 100."))
    if data.settlement_months not in (1, 3, 6, 12):
        raise ChannelError(_l("Choose how often statements are made from the list."))
    if data.capacity is not None and data.capacity < 0:
        raise ChannelError(_l("The capacity cannot be negative."))
    if current is not None and data.capacity is not None:
        taken = accepted_count(current.id)
        if data.capacity < taken:
            raise ChannelError(
                _l(
                    "%(taken)s products are already accepted: the capacity cannot be lower.",
                    taken=taken,
                )
            )
    if (
        data.partner_city_id is not None
        and db.session.get(PartnerCity, data.partner_city_id) is None
    ):
        raise ChannelError(_l("Choose a partner city from the list."))
    return ChannelData(
        name=name,
        kind=data.kind,
        city=data.city.strip(),
        country_code=_check_code(data.country_code, 2, _l("The country code has two letters.")),
        locale=data.locale,
        currency=_check_code(data.currency, 3, _l("The currency code has three letters.")),
        status=data.status,
        series=(data.series or "").strip() or None,
        venue=(data.venue or "").strip() or None,
        partner_city_id=data.partner_city_id,
        description=data.description.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        applications_open_on=opens,
        applications_close_on=closes,
        capacity=data.capacity,
        commission_percent=Decimal(data.commission_percent).quantize(Decimal("0.01")),
        settlement_months=data.settlement_months,
    )


def create_channel(actor: User, data: ChannelData) -> Channel:
    clean = _check_channel(data, None)
    values = {f.name: getattr(clean, f.name) for f in fields(clean)}
    channel = Channel(slug=unique_slug(Channel.slug, clean.name, "channel"), **values)
    db.session.add(channel)
    db.session.flush()
    after = _snapshot(channel, ["slug", *values])
    record_audit(actor, AuditAction.CHANNEL_CREATE, "channel", channel.id, None, after)
    return channel


def update_channel(channel: Channel, actor: User, data: ChannelData) -> Channel:
    """Edit everything but the slug. Lowering the capacity below the accepted count is refused:
    accepted MSMEs have been told they are in."""
    # Hold the channel while checking the capacity against the accepted count, as acceptances do.
    locked = lock_channel(channel.id)
    clean = _check_channel(data, locked)
    names = [f.name for f in fields(clean)]
    before = _snapshot(locked, names)
    for name in names:
        setattr(locked, name, getattr(clean, name))
    db.session.flush()
    after = _snapshot(locked, names)
    if after != before:
        reason = None
        if before["status"] != after["status"]:
            reason = f"status {before['status']} -> {after['status']}"
        record_audit(actor, AuditAction.CHANNEL_UPDATE, "channel", locked.id, before, after, reason)
    return locked


def lock_channel(channel_id: int) -> Channel:
    """The channel row, locked until the transaction ends, read fresh from the database.

    Every change that depends on how many places are taken (accepting, nominating, lowering
    the capacity) or on a nomination's current status goes through here first, so two of them
    never interleave: PostgreSQL holds a row lock (SELECT ... FOR UPDATE); SQLite has a single
    writer, and write transactions take the lock when they begin (`begin_write`).
    """
    begin_write()
    channel = db.session.execute(
        sa.select(Channel)
        .where(Channel.id == channel_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if channel is None:
        raise ChannelError(_l("This channel no longer exists."))
    return channel
