"""An uploaded sheet of products between its preview and its import.

The rows are kept here, server-side, as the file held them, under a random token that only its
uploader can open (anyone else gets 404): the preview and the import read them from here, never
from the page, so nothing posted back can change what is imported. A row here rather than a file
in the instance folder: every worker and machine sees it, it goes with the user's account, and
the import takes it under a row lock in the same transaction as the products it makes, so a
second confirmation finds it imported and imports nothing. Uploads are kept for a day
(`services.EXPIRES_AFTER`); older ones are removed when the next sheet is uploaded.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.businesses.models import Business
from marketplace.db import Base, created_at, intpk, str_enum


class UploadStatus(enum.StrEnum):
    PENDING = "pending"
    IMPORTED = "imported"


class SheetUpload(Base):
    __tablename__ = "sheet_uploads"
    __table_args__ = (sa.Index("ix_sheet_uploads_created_at", "created_at"),)

    id: Mapped[intpk]
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    # Our columns found in the file (keys, in its order) and the names of those left out.
    columns: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    ignored: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # [row number, {column key: text}] per product row.
    rows: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    status: Mapped[UploadStatus] = mapped_column(
        str_enum(UploadStatus, "status"), default=UploadStatus.PENDING
    )
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created_at]
    imported_at: Mapped[datetime | None]

    business: Mapped[Business] = relationship()

    def row_items(self) -> list[tuple[int, dict[str, str]]]:
        return [(int(number), dict(values)) for number, values in self.rows]
