"""The report tables follow the interests and the product views: receivers of their signals."""

from __future__ import annotations

from marketplace.interests import events as interest_events
from marketplace.office import activity, rollups
from marketplace.products import events as product_events


def connect() -> None:
    interest_events.interests_deleting.connect(rollups.forget_deleted_interests)
    interest_events.interests_flushed.connect(rollups.refresh_flushed_interests)
    product_events.product_viewed.connect(activity.product_viewed)
