"""The ledger's tables: the append-only audit log, the office's exchange rates and the reports of
abuse the office handles."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AuditEntry(Base):
    """Who did what to which record, when and why. Rows are only ever inserted.

    `action` holds an `AuditAction` value (see `ledger.audit`); rows written before an action
    was renamed or retired keep their stored key and are shown as it is.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_subject", "subject_type", "subject_id"),
        sa.Index("ix_audit_log_actor_at", "actor_id", "at"),
    )

    id: Mapped[intpk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()


class ExchangeRate(Base):
    """How many rupiah one unit of a currency is worth, as set by the office from a date on."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        sa.UniqueConstraint("currency", "effective_on"),
        sa.CheckConstraint("idr_per_unit > 0", name="rate_positive"),
    )

    id: Mapped[intpk]
    currency: Mapped[str] = mapped_column(sa.String(3))
    idr_per_unit: Mapped[Decimal] = mapped_column(sa.Numeric(18, 6))
    effective_on: Mapped[date]
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class AbuseReport(Base):
    """A report of spam or abuse, handled in the office's queue."""

    __tablename__ = "abuse_reports"

    id: Mapped[intpk]
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "status"), default=ReportStatus.OPEN, index=True
    )
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
