"""Which channel brought this visit, and which language the visitor reads product text in.

A visitor who scans a shelf tag (/t/<token>) or follows a product from a channel's page is on a
visit "via" that channel: the channel's id and the time are kept in the signed session cookie,
nothing about the person. Whatever interest they express within ATTRIBUTION_HOURS is counted
for that channel (the interest service calls `current_visit_channel_id()`). A later channel
visit replaces the earlier one: the last channel that brought the visitor gets the credit.

Product text (name, description) may be shown in a partner city's language even though the
interface itself is English or Indonesian: `content_locale()` says which, from `?lang=` first,
then the language of the channel the visitor came through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import has_request_context, request, session

from marketplace.db import utcnow
from marketplace.i18n import CONTENT_LOCALES

ATTRIBUTION_HOURS = 24
VISIT_KEY = "via_channel"
CONTENT_LOCALE_KEY = "content_locale"


def start_channel_visit(channel_id: int, content_locale: str | None = None) -> None:
    """Mark this visit as coming through `channel_id` (and read product text in its language)."""
    session[VISIT_KEY] = {"id": channel_id, "at": utcnow().isoformat()}
    if content_locale in CONTENT_LOCALES:
        session[CONTENT_LOCALE_KEY] = content_locale


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


def content_locale() -> str | None:
    """The language to show product text in, or None for the interface's own language.

    `?lang=` wins (a link from a tag or a catalog carries it, so the address can be shared);
    otherwise the language of the channel this visit came through, for as long as the visit
    counts. Only known content
    languages count; a product without a translation in it shows its English text.
    """
    if not has_request_context():
        return None
    asked = request.args.get("lang", "")
    if asked in CONTENT_LOCALES:
        return asked
    kept = session.get(CONTENT_LOCALE_KEY)
    # The channel's language lasts as long as the visit through it.
    if isinstance(kept, str) and kept in CONTENT_LOCALES and current_visit_channel_id():
        return kept
    return None
