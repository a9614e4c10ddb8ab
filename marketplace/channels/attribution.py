"""Which channel brought this visit, and which language the visitor reads product text in.

A visitor who scans a shelf tag (/t/<token>) or follows a product from a channel's page is on a
visit "via" that channel: the channel's id and the time are kept in the signed session cookie,
nothing about the person. Whatever interest they express within ATTRIBUTION_HOURS is counted
for that channel (the interest service calls `current_visit_channel_id()`). A later channel
visit replaces the earlier one: the last channel that brought the visitor gets the credit.

The channel's language is kept with the visit too: `marketplace.i18n` serves the visit in it
when neither the visitor's own choice nor their browser's languages name one of ours; and the
visit reads times in the zone of the channel's partner city (`marketplace.accounts.zones`).
Both sit below the channels, so `init_attribution` tells them, when the app is built, how to
find the visit's language and zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, has_request_context, session

from marketplace.channels.models import Channel
from marketplace.db import db, utcnow
from marketplace.i18n import CHANNEL_LOCALE_KEY, UI_LOCALES, init_visit_locale
from marketplace.reference.models import PartnerCity
from marketplace.timezones import city_zone, init_visit_zone, is_known_zone

ATTRIBUTION_HOURS = 24
VISIT_KEY = "via_channel"


def start_channel_visit(channel_id: int, content_locale: str | None = None) -> None:
    """Mark this visit as coming through `channel_id`, whose language is `content_locale`."""
    session[VISIT_KEY] = {"id": channel_id, "at": utcnow().isoformat()}
    if content_locale in UI_LOCALES:
        session[CHANNEL_LOCALE_KEY] = content_locale


def current_visit_channel_id(now: datetime | None = None) -> int | None:
    """The channel this visit came through, if it did so within the last ATTRIBUTION_HOURS.

    A cookie that is malformed (it is signed, but older versions may differ) counts as none.
    """
    if not has_request_context():
        return None
    visit = session.get(VISIT_KEY)
    if not isinstance(visit, dict):
        return None
    channel_id, started = visit.get("id"), visit.get("at")
    if not isinstance(channel_id, int) or not isinstance(started, str):
        return None
    try:
        started_at = datetime.fromisoformat(started)
    except ValueError:
        return None
    if started_at.tzinfo is None:
        return None
    age = (now or utcnow()) - started_at
    if age < timedelta(0) or age > timedelta(hours=ATTRIBUTION_HOURS):
        return None
    return channel_id


def current_visit_locale() -> str | None:
    """The language of the channel this visit came through, as long as the visit counts."""
    kept = session.get(CHANNEL_LOCALE_KEY)
    if isinstance(kept, str) and kept in UI_LOCALES and current_visit_channel_id():
        return kept
    return None


def channel_zone(channel_id: int) -> str | None:
    """The zone of a channel's partner city, else the one zone of its country's partner cities."""
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        return None
    own = city_zone(channel.partner_city)
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


def current_visit_zone() -> str | None:
    """The zone of the channel this visit came through, if any."""
    channel_id = current_visit_channel_id()
    return channel_zone(channel_id) if channel_id is not None else None


def init_attribution(app: Flask) -> None:
    """Let the language and time-zone selectors find the visit's channel's language and zone."""
    init_visit_locale(app, current_visit_locale)
    init_visit_zone(app, current_visit_zone)
