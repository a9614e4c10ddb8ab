"""An announcement of the trade office, and the MSMEs it was sent to (with when each read it)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum, updated_at

if TYPE_CHECKING:
    from marketplace.businesses.models import Business


class AnnouncementStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class Announcement(Base):
    """Its text in Indonesian and in English (an MSME reads Indonesian if that is their
    language, else English) and its audience: each list empty for "no restriction", the lists
    combined with AND, the choices within one with OR (`queries.audience`)."""

    __tablename__ = "announcements"

    id: Mapped[intpk]
    title_id: Mapped[str] = mapped_column(sa.String(160))
    body_id: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.String(160))
    body_en: Mapped[str] = mapped_column(sa.Text)
    subsector_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    certification_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    channel_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    status: Mapped[AnnouncementStatus] = mapped_column(
        str_enum(AnnouncementStatus, "status"), default=AnnouncementStatus.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    recipients: Mapped[list[AnnouncementRecipient]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan", passive_deletes=True
    )

    def title_for(self, locale: str) -> str:
        return self.title_id if locale == "id" else self.title_en

    def body_for(self, locale: str) -> str:
        return self.body_id if locale == "id" else self.body_en

    @staticmethod
    def language_for(locale: str) -> str:
        """The language of the text a reader of `locale` gets."""
        return "id" if locale == "id" else "en"


class AnnouncementRecipient(Base):
    """An MSME the announcement was sent to, through its owner; `read_at` when the owner first
    opened it (a side record of reading: see `marketplace.page_writes`)."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (
        sa.UniqueConstraint("announcement_id", "business_id"),
        sa.Index("ix_announcement_recipients_user", "user_id", "announcement_id"),
    )

    id: Mapped[intpk]
    announcement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("announcements.id", ondelete="CASCADE")
    )
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    read_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    announcement: Mapped[Announcement] = relationship(back_populates="recipients")
    business: Mapped[Business] = relationship()
