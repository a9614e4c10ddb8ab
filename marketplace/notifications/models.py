"""What the marketplace tells people in the app: notifications. E-mail goes through the outbox
(`marketplace.mail`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, created_at, intpk


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(400))
    link: Mapped[str | None] = mapped_column(sa.String(255))
    read_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
