"""Lists of business matching: events, the participants of one side, the meetings of an event."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User, UserStatus
from marketplace.matching.models import (
    EventStatus,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    Side,
    participant_subsector,
)


def shown_events() -> sa.Select[MatchingEvent]:
    """The events participants see (not the office's drafts), the latest first."""
    return (
        sa.select(MatchingEvent)
        .where(MatchingEvent.status != EventStatus.DRAFT)
        .options(selectinload(MatchingEvent.partner_city))
        .order_by(MatchingEvent.starts_on.desc(), MatchingEvent.id.desc())
    )


def all_events() -> sa.Select[MatchingEvent]:
    return (
        sa.select(MatchingEvent)
        .options(selectinload(MatchingEvent.partner_city))
        .order_by(MatchingEvent.starts_on.desc(), MatchingEvent.id.desc())
    )


def registrations(user: User) -> sa.Select[int]:
    """The ids of the events `user` is registered for."""
    return sa.select(MatchingParticipant.event_id).where(MatchingParticipant.user_id == user.id)


def _with_people(
    statement: sa.Select[MatchingParticipant],
) -> sa.Select[MatchingParticipant]:
    return statement.options(
        selectinload(MatchingParticipant.user).selectinload(User.buyer_profile),
        selectinload(MatchingParticipant.business),
        selectinload(MatchingParticipant.subsectors),
    )


def side_of_event(
    event: MatchingEvent, side: Side, subsector: str | None = None
) -> sa.Select[MatchingParticipant]:
    """The active participants of `side`, optionally caring about `subsector`."""
    statement = (
        sa.select(MatchingParticipant)
        .join(MatchingParticipant.user)
        .where(
            MatchingParticipant.event_id == event.id,
            MatchingParticipant.side == side,
            User.status == UserStatus.ACTIVE,
        )
        .order_by(MatchingParticipant.id)
    )
    if subsector:
        statement = statement.where(
            MatchingParticipant.id.in_(
                sa.select(participant_subsector.c.participant_id).where(
                    participant_subsector.c.subsector_code == subsector
                )
            )
        )
    return _with_people(statement)


def participants_of(event: MatchingEvent) -> sa.Select[MatchingParticipant]:
    return _with_people(
        sa.select(MatchingParticipant)
        .where(MatchingParticipant.event_id == event.id)
        .order_by(MatchingParticipant.side, MatchingParticipant.id)
    )


def meetings_of(event: MatchingEvent) -> sa.Select[MatchingMeeting]:
    """Every meeting of the event, in time order, with both parties."""
    return (
        sa.select(MatchingMeeting)
        .where(MatchingMeeting.event_id == event.id)
        .options(
            selectinload(MatchingMeeting.msme).selectinload(MatchingParticipant.business),
            selectinload(MatchingMeeting.buyer)
            .selectinload(MatchingParticipant.user)
            .selectinload(User.buyer_profile),
        )
        .order_by(MatchingMeeting.starts_at, MatchingMeeting.id)
    )


def meetings_of_participant(
    participant: MatchingParticipant,
) -> sa.Select[MatchingMeeting]:
    return (
        sa.select(MatchingMeeting)
        .where(
            sa.or_(
                MatchingMeeting.msme_id == participant.id,
                MatchingMeeting.buyer_id == participant.id,
            )
        )
        .options(
            selectinload(MatchingMeeting.msme).selectinload(MatchingParticipant.business),
            selectinload(MatchingMeeting.buyer)
            .selectinload(MatchingParticipant.user)
            .selectinload(User.buyer_profile),
        )
        .order_by(MatchingMeeting.starts_at, MatchingMeeting.id)
    )
