"""Channel coordinators: staff at a showroom or a fair stand abroad, each assigned by an admin
to the channels they work at. A coordinator reaches those channels' stand pages and nothing
else of the office (`coordinated_channel`). Adds and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import open_staff_account
from marketplace.channels.models import Channel, channel_coordinator
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.ledger.audit import AuditAction, record_audit


class CoordinatorError(ServiceError):
    pass


def _check_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise CoordinatorError(_l("Only an admin assigns coordinators."))


def _channels(ids: Iterable[int]) -> list[Channel]:
    wanted = set(ids)
    found = list(db.session.scalars(sa.select(Channel).where(Channel.id.in_(wanted))))
    if len(found) != len(wanted):
        raise CoordinatorError(_l("One of the channels no longer exists."))
    return sorted(found, key=lambda channel: channel.name)


def create_coordinator(
    admin: User, *, email: str, name: str, locale: str, channel_ids: Iterable[int]
) -> User:
    """A coordinator's account for the given channels; its owner is mailed a link to choose a
    password."""
    _check_admin(admin)
    channels = _channels(channel_ids)
    if not channels:
        raise CoordinatorError(_l("Choose at least one channel."))
    user = open_staff_account(email=email, name=name, role=Role.COORDINATOR, locale=locale)
    _assign(admin, user, channels, before=[])
    return user


def assign_channels(admin: User, user: User, channel_ids: Iterable[int]) -> None:
    """The channels a coordinator works at, all at once (none: the account reaches nothing)."""
    _check_admin(admin)
    if user.role != Role.COORDINATOR:
        raise CoordinatorError(_l("Only channel coordinators are assigned to channels."))
    _assign(admin, user, _channels(channel_ids), before=coordinated_channels(user))


def _assign(admin: User, user: User, channels: list[Channel], before: list[Channel]) -> None:
    db.session.execute(
        sa.delete(channel_coordinator).where(channel_coordinator.c.user_id == user.id)
    )
    if channels:
        db.session.execute(
            sa.insert(channel_coordinator),
            [{"channel_id": channel.id, "user_id": user.id} for channel in channels],
        )
    db.session.flush()
    record_audit(
        admin,
        AuditAction.CHANNEL_COORDINATORS,
        "user",
        user.id,
        {"channels": [channel.slug for channel in before]},
        {"channels": [channel.slug for channel in channels]},
    )


def coordinated_channels(user: User) -> list[Channel]:
    return list(
        db.session.scalars(
            sa.select(Channel)
            .join(channel_coordinator, channel_coordinator.c.channel_id == Channel.id)
            .where(channel_coordinator.c.user_id == user.id)
            .order_by(Channel.name)
        )
    )


def may_coordinate(user: User, channel: Channel) -> bool:
    """Officers and admins work at every channel; a coordinator at the assigned ones only."""
    if user.is_staff:
        return True
    if user.role != Role.COORDINATOR:
        return False
    return (
        db.session.scalar(
            sa.select(channel_coordinator.c.channel_id).where(
                channel_coordinator.c.user_id == user.id,
                channel_coordinator.c.channel_id == channel.id,
            )
        )
        is not None
    )
