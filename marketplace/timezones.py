"""Time zones: which one a person reads times in, and the zones a person may choose.

Timestamps are stored in UTC (`db.UTCDateTime`) and shown in the reader's zone, always with the
zone's name (`marketplace.dates`). A request's zone, first that applies (`select_timezone`,
Flask-Babel's timezone selector):
1. the signed-in person's saved zone (account settings);
2. for a buyer, the zone of their partner city;
3. for a buyer or a visitor, the zone of the partner city of the channel the visit came through
   (a scanned shelf tag): the channel's partnership, else the one zone shared by the partner
   cities in the channel's country (Little Bandung in Seoul has no partnership of its own, so
   it reads Suwon's Asia/Seoul);
4. Asia/Jakarta, the zone of Bandung and its trade office: for MSME owners, officers and admins
   who saved none, and for visitors and buyers to whom none of the above applies.
Mail and notifications are written in the recipient's zone (`zone_of`: steps 1, 2 and 4, as no
visit is known for them).

A zone is an IANA name that both Python's zoneinfo and pytz (which Flask-Babel uses) know;
anything else, saved by an older version or typed into a request, counts as none.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import pytz
import sqlalchemy as sa
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from marketplace.accounts.models import Role, User
from marketplace.db import db

if TYPE_CHECKING:
    from marketplace.channels.models import PartnerCity

OFFICE_ZONE = "Asia/Jakarta"
OFFICE_CITY = "Bandung"


@cache
def known_zones() -> frozenset[str]:
    """The zones a person may choose and a partner city may have."""
    return frozenset(available_timezones() & pytz.all_timezones_set)


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(known_zones()))


def is_known_zone(name: object) -> bool:
    return isinstance(name, str) and name in known_zones()


def _city_zone(city: PartnerCity | None) -> str | None:
    if city is not None and is_known_zone(city.timezone):
        return str(city.timezone)
    return None


def _own_zone(user: User) -> str | None:
    """Steps 1 and 2: the person's saved zone, else a buyer's partner city's."""
    if is_known_zone(user.timezone):
        return str(user.timezone)
    if user.role is Role.BUYER and user.buyer_profile is not None:
        return _city_zone(user.buyer_profile.partner_city)
    return None


def zone_of(user: User) -> str:
    """The zone a person reads times in when no request tells more (mail, notifications)."""
    return _own_zone(user) or OFFICE_ZONE


def channel_zone(channel_id: int) -> str | None:
    """The zone of a channel's partner city, else the one zone of its country's partner cities."""
    from marketplace.channels.models import Channel, PartnerCity

    channel = db.session.get(Channel, channel_id)
    if channel is None:
        return None
    own = _city_zone(channel.partner_city)
    if own is not None:
        return own
    zones = set(
        db.session.scalars(
            sa.select(PartnerCity.timezone).where(
                PartnerCity.country_code == channel.country_code,
                PartnerCity.timezone.is_not(None),
            )
        )
    )
    known = {zone for zone in zones if is_known_zone(zone)}
    return known.pop() if len(known) == 1 else None


def visit_zone() -> str | None:
    """Step 3: the zone of the channel this visit came through, if any."""
    from marketplace.channels.attribution import current_visit_channel_id

    channel_id = current_visit_channel_id()
    return channel_zone(channel_id) if channel_id is not None else None


def automatic_zone(user: User | None) -> str:
    """The zone that applies when `user` (None: a visitor) has saved none: steps 2 to 4."""
    if user is not None:
        if user.role is Role.BUYER and user.buyer_profile is not None:
            own = _city_zone(user.buyer_profile.partner_city)
            if own is not None:
                return own
        if user.role is not Role.BUYER:
            return OFFICE_ZONE
    return visit_zone() or OFFICE_ZONE


def select_timezone() -> str:
    """Flask-Babel's timezone selector: the request's zone (see the module's docstring)."""
    if not has_request_context():
        return OFFICE_ZONE
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        if is_known_zone(user.timezone):
            return str(user.timezone)
        return automatic_zone(user)
    return automatic_zone(None)


def zone_choices(partner_cities: Iterable[PartnerCity], automatic: str) -> list[SelectChoice]:
    """What the settings offer: the automatic zone, the partner cities' zones (named by their
    cities), Bandung's, then every zone in a group of its own."""
    names: dict[str, list[str]] = {}
    for city in partner_cities:
        zone = _city_zone(city)
        if zone is not None:
            names.setdefault(zone, []).append(city.name)
    names.pop(OFFICE_ZONE, None)
    choices = [SelectChoice("", str(_l("Automatic (%(zone)s)", zone=automatic)))]
    partner = [
        SelectChoice(zone, f"{', '.join(sorted(cities))} ({zone})")
        for zone, cities in names.items()
    ]
    partner.sort(key=lambda choice: choice.label.casefold())
    choices.extend(partner)
    choices.append(SelectChoice(OFFICE_ZONE, f"{OFFICE_CITY} ({OFFICE_ZONE})"))
    group = str(_l("All time zones"))
    choices.extend(SelectChoice(zone, zone, optgroup=group) for zone in all_zones())
    return choices
