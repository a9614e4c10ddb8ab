"""Which channel brought this visit.

A visitor who scans a shelf tag (/t/<token>) or follows a product from a channel's page is on a
visit "via" that channel: the channel's id and the time are kept in the signed session cookie,
nothing about the person. Whatever interest they express within ATTRIBUTION_HOURS is counted
for that channel (the interest service calls `current_visit_channel_id()`), and so is a view of
a product page. A later channel visit replaces the earlier one: the last channel that brought
the visitor gets the credit. What the channel means for the visit's language, zone and currency
is the channels' (`marketplace.channels.attribution`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import has_request_context, session

from marketplace.db import utcnow
from marketplace.i18n import CHANNEL_LOCALE_KEY, UI_LOCALES
from marketplace.page_cache import forget_visit_parts

ATTRIBUTION_HOURS = 24
VISIT_KEY = "via_channel"


def start_channel_visit(channel_id: int, content_locale: str | None = None) -> None:
    """Mark this visit as coming through `channel_id`, whose language is `content_locale`."""
    session[VISIT_KEY] = {"id": channel_id, "at": utcnow().isoformat()}
    if content_locale in UI_LOCALES:
        session[CHANNEL_LOCALE_KEY] = content_locale
    forget_visit_parts()


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
