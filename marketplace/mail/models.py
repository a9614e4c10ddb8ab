"""The outgoing e-mails."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, created_at, intpk


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
