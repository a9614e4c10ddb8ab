"""Loads the reference data with the promotion channels it lists (``channels.json`` in
``marketplace/reference/data``): the channels name partner cities, so they come after them.

A channel is the office's to edit once it exists (dates, status, capacity...): a missing one is
created, an existing one is left alone, so restarting the app never undoes an officer's edit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.channels.models import Channel, ChannelKind, ChannelStatus
from marketplace.db import db
from marketplace.reference.loader import Tally, create_missing, load_reference_lists, read_data
from marketplace.reference.models import PartnerCity

# What the channel list does not say: the language and currency a channel's printed catalog
# and prices are shown in (the partner city's, or the host country's where there is none),
# and the dated edition of a recurring fair.
CHANNEL_FACTS: dict[str, dict[str, Any]] = {
    "little-bandung": {"locale": "ko", "currency": "KRW"},
    "harz-und-heide": {
        "locale": "de",
        "currency": "EUR",
        "series": "Harz und Heide",
        "starts_on": date(2026, 5, 21),
        "ends_on": date(2026, 5, 25),
    },
    "europalia": {"locale": "fr", "currency": "EUR"},
    "petaling-jaya-creative-exchange": {"locale": "ms", "currency": "MYR"},
}


def load_reference_data() -> dict[str, int]:
    """Load the seed facts, channels included; return how many rows were created and updated.

    Adds and flushes; the caller commits (see `reference.loader.load_reference_lists`).
    """
    tally = Tally()
    cities = load_reference_lists(tally)
    _load_channels(tally, cities)
    db.session.flush()
    return tally.as_dict()


def _load_channels(tally: Tally, cities: dict[str, PartnerCity]) -> None:
    query = sa.select(Channel).options(selectinload(Channel.partner_city))
    existing = {row.slug: row for row in db.session.scalars(query)}
    for item in read_data("channels.json")["channels"]:
        partnership = item["partnership"]
        if partnership is not None and partnership not in cities:
            raise LookupError(f"Channel {item['slug']!r} names an unknown partner city")
        values = {
            "slug": item["slug"],
            "name": item["name"],
            "kind": ChannelKind(item["kind"]),
            "city": item["city"],
            "country_code": item["country_code"],
            "venue": item["venue"],
            "partner_city": cities[partnership] if partnership is not None else None,
            "description": item["description"],
            **CHANNEL_FACTS.get(item["slug"], {}),
            "status": ChannelStatus.OPEN,
        }
        create_missing(tally, existing.get(item["slug"]), Channel, values)
