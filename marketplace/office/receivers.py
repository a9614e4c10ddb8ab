"""The report tables follow the interests: receivers of `marketplace.interests.events`."""

from __future__ import annotations

from marketplace.interests import events as interest_events
from marketplace.office import rollups


def connect() -> None:
    interest_events.interests_deleting.connect(rollups.forget_deleted_interests)
    interest_events.interests_flushed.connect(rollups.refresh_flushed_interests)
