"""What the channel that brought this visit means for the visitor's pages (which channel it
was: `marketplace.visits`).

The channel's language is kept with the visit too: `marketplace.i18n` serves the visit in it
when neither the visitor's own choice nor their browser's languages name one of ours; and the
visit reads times in the zone of the channel's partner city (`marketplace.accounts.zones`).
Prices are shown in the channel's currency (`marketplace.products.prices`). All three sit below
the channels, so `init_attribution` tells them, when the app is built, how to find the visit's
language, zone and currency.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, session

from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.i18n import CHANNEL_LOCALE_KEY, UI_LOCALES, init_visit_locale
from marketplace.products.prices import init_visit_currency
from marketplace.reference.models import PartnerCity
from marketplace.timezones import city_zone, init_visit_zone, is_known_zone
from marketplace.visits import current_visit_channel_id


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


def current_visit_currency() -> str | None:
    """The currency of the channel this visit came through, if any."""
    channel_id = current_visit_channel_id()
    channel = db.session.get(Channel, channel_id) if channel_id is not None else None
    return channel.currency if channel is not None else None


def init_attribution(app: Flask) -> None:
    """Let the language, time-zone and price selectors find the visit's channel's language,
    zone and currency."""
    init_visit_locale(app, current_visit_locale)
    init_visit_zone(app, current_visit_zone)
    init_visit_currency(app, current_visit_currency)
