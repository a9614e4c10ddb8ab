"""Selects for the home page."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.channels.models import Channel, ChannelStatus


def public_channels() -> sa.Select[Channel]:
    """Channels a visitor may see: not drafts, not archived editions."""
    return (
        sa.select(Channel)
        .where(Channel.status.in_([ChannelStatus.OPEN, ChannelStatus.CLOSED]))
        .options(selectinload(Channel.partner_city))
        .order_by(Channel.name)
    )
