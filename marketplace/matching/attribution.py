"""What followed an event: a buyer's interest in a product of an MSME they met there counts for
the event when it was sent after their accepted meeting began and at most `FOLLOW_UP_DAYS`
after the event's end; its deal (won) and the deal's value in rupiah with it.

Computed by a query each time (nothing is written on the interest): an interest may so count
for two events, when the same two met at both; each event's page counts it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.matching.models import (
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    MeetingStatus,
)
from marketplace.matching.slots import event_end
from marketplace.products.models import Product

FOLLOW_UP_DAYS = 90


@dataclass(frozen=True)
class FollowUp:
    interests: int
    deals: int
    value_idr: int


def followed_interests(event: MatchingEvent) -> sa.Select[int]:
    """The ids of the interests that followed a meeting of `event`."""
    msme = aliased(MatchingParticipant)
    buyer = aliased(MatchingParticipant)
    until = event_end(event) + timedelta(days=FOLLOW_UP_DAYS)
    met = (
        sa.select(sa.literal(1))
        .select_from(MatchingMeeting)
        .join(msme, msme.id == MatchingMeeting.msme_id)
        .join(buyer, buyer.id == MatchingMeeting.buyer_id)
        .where(
            MatchingMeeting.event_id == event.id,
            MatchingMeeting.status == MeetingStatus.ACCEPTED,
            buyer.user_id == Interest.buyer_id,
            msme.business_id == Product.business_id,
            MatchingMeeting.starts_at <= Interest.created_at,
        )
    )
    return (
        sa.select(Interest.id)
        .join(Product, Product.id == Interest.product_id)
        .where(Interest.created_at <= until, met.exists())
    )


def follow_up(event: MatchingEvent) -> FollowUp:
    ids = followed_interests(event).subquery()
    row = db.session.execute(
        sa.select(
            sa.func.count(Interest.id),
            sa.func.count(Interest.id).filter(Interest.status == InterestStatus.WON),
            sa.func.coalesce(
                sa.func.sum(Interest.won_value_idr).filter(Interest.status == InterestStatus.WON),
                0,
            ),
        ).where(Interest.id.in_(sa.select(ids.c.id)))
    ).one()
    return FollowUp(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))
