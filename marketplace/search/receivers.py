"""The popularity kept beside the index follows the interests: receivers of their signals."""

from __future__ import annotations

from marketplace.interests import events as interest_events
from marketplace.search import popularity


def connect() -> None:
    interest_events.interests_flushed.connect(popularity.recount_flushed_interests)
