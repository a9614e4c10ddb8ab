"""What the marketplace tells people: in-app notifications and the outbox of e-mails."""

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


class OutboxEmail(Base):
    """An e-mail written in the same transaction as the change it reports; a worker sends it."""

    __tablename__ = "outbox_emails"
    __table_args__ = (sa.Index("ix_outbox_emails_pending", "sent_at", "id"),)

    id: Mapped[intpk]
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
