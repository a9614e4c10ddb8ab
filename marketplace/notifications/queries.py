"""Selects over a person's in-app notifications."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.notifications.models import Notification


def notifications_of(user_id: int) -> sa.Select[Notification]:
    """Unread first, then the newest."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
    )


def unread_count(user_id: int) -> sa.Select[int]:
    """Served by the (user_id, read_at) index: cheap enough for every page."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
