"""Time zones: the zones a person may choose, a partner city's zone, and the zone of the channel
a visit came through.

Timestamps are stored in UTC (`db.UTCDateTime`) and shown in the reader's zone, always with the
zone's name (`marketplace.dates`). Which zone a request reads, and mail for a person, is decided
in `marketplace.accounts.zones` from the person, their partner city, and the visit's channel.
The channels know the visit's channel; they sit above this module, so they register how to find
its zone when the app is built (`init_visit_zone`).

A zone is an IANA name that both Python's zoneinfo and pytz (which Flask-Babel uses) know;
anything else, saved by an older version or typed into a request, counts as none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import pytz
from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

if TYPE_CHECKING:
    from marketplace.reference.models import PartnerCity

OFFICE_ZONE = "Asia/Jakarta"
OFFICE_CITY = "Bandung"
VISIT_ZONE = "marketplace.visit_zone"  # in `app.extensions`: finds the zone of the visit


@cache
def known_zones() -> frozenset[str]:
    """The zones a person may choose and a partner city may have."""
    return frozenset(available_timezones() & pytz.all_timezones_set)


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(known_zones()))


def is_known_zone(name: object) -> bool:
    return isinstance(name, str) and name in known_zones()


def city_zone(city: PartnerCity | None) -> str | None:
    if city is not None and is_known_zone(city.timezone):
        return str(city.timezone)
    return None


def init_visit_zone(app: Flask, find: Callable[[], str | None]) -> None:
    """Let `visit_zone` ask `find` for the zone of the channel this visit came through."""
    app.extensions[VISIT_ZONE] = find


def visit_zone() -> str | None:
    """The zone of the channel this visit came through, if any (see `init_visit_zone`)."""
    find = current_app.extensions.get(VISIT_ZONE) if has_app_context() else None
    return find() if find is not None else None


def zone_choices(partner_cities: Iterable[PartnerCity], automatic: str) -> list[SelectChoice]:
    """What the settings offer: the automatic zone, the partner cities' zones (named by their
    cities), Bandung's, then every zone in a group of its own."""
    names: dict[str, list[str]] = {}
    for city in partner_cities:
        zone = city_zone(city)
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
