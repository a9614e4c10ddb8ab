"""Dates and times as a reader reads them: in their language's format and, for a moment, in
their time zone with the zone's name ("4 Dec 2026, 21:15 GMT+9", "04.12.2026, 14:15 MEZ").

Every moment shown to a person goes through `format_when` (the `when` filter wraps it in a
`<time>` element carrying the UTC instant); every date shown alone through `format_day` (the
`day` filter). The zone is the request's (`marketplace.accounts.zones`), or the one forced by
`force_timezone` while a message for somebody else is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import g, has_app_context
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

from marketplace.timezones import OFFICE_ZONE, is_known_zone

FORCED_KEY = "forced_timezone"
# "+0900", Babel's short name where CLDR has no abbreviation.
_BARE_OFFSET = re.compile(r"^[+-]\d{4}$")
# "GMT+09:00" -> "GMT+9", "GMT+05:30" -> "GMT+5:30" (CLDR's short localized GMT format).
_LONG_OFFSET = re.compile(r"([+-])0?(\d{1,2})(?::(\d\d))?")


def viewer_zone() -> str:
    """The zone this text is written for: a forced one, else the request's."""
    if not has_app_context():
        return OFFICE_ZONE
    forced = g.get(FORCED_KEY)
    if is_known_zone(forced):
        return str(forced)
    zone = str(get_timezone() or OFFICE_ZONE)
    return zone if is_known_zone(zone) else OFFICE_ZONE


@contextmanager
def force_timezone(zone: str) -> Iterator[None]:
    """Write times in `zone` (a recipient's) for the duration, like `force_locale`."""
    if not has_app_context():
        yield
        return
    previous = g.get(FORCED_KEY)
    setattr(g, FORCED_KEY, zone)
    try:
        yield
    finally:
        setattr(g, FORCED_KEY, previous)


def _locale() -> str:
    return str(get_locale() or "en")


def zone_name(moment: datetime, locale: str | None = None) -> str:
    """The zone's short name at `moment` (an aware datetime in that zone): CLDR's abbreviation
    where the language has one ("MEZ", "WIB", "CST"), else the offset ("GMT+9", "UTC+1")."""
    locale = locale or _locale()
    short = babel_dates.format_datetime(moment, "z", tzinfo=moment.tzinfo, locale=locale)
    if not _BARE_OFFSET.match(short):
        return short
    long = babel_dates.get_timezone_gmt(moment, width="long", locale=locale)

    def shorten(found: re.Match[str]) -> str:
        sign, hours, minutes = found.groups()
        return f"{sign}{int(hours)}" + (f":{minutes}" if minutes and minutes != "00" else "")

    return _LONG_OFFSET.sub(shorten, long, count=1)


def format_when(moment: datetime, zone: str | None = None) -> str:
    """A moment in the reader's zone and format, with the zone: "Dec 4, 2026, 9:15 PM GMT+9"."""
    locale = _locale()
    tz = ZoneInfo(zone if zone is not None and is_known_zone(zone) else viewer_zone())
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    day = babel_dates.format_date(local.date(), "medium", locale=locale)
    time = babel_dates.format_time(local, "short", tzinfo=tz, locale=locale)
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    combined = pattern.replace("{1}", day).replace("{0}", time)
    return f"{combined} {zone_name(local, locale)}"


def when(moment: datetime | None) -> Markup:
    """`format_when` inside a `<time>` element that carries the UTC instant for machines."""
    if moment is None:
        return Markup("")
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    instant = aware.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(instant, format_when(aware))


def format_day(value: date | datetime | None) -> str:
    """A date in the reader's format ("4 Dec 2026", "04.12.2026"); a moment gives the day it is
    in the reader's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        value = aware.astimezone(ZoneInfo(viewer_zone())).date()
    return babel_dates.format_date(value, "medium", locale=_locale())
