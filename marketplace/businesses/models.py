"""The MSME: a business profile owned by one account, the certificates it holds, and a change
of its verified identity waiting for the office."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, created_at, intpk, str_enum, updated_at, utcnow

if TYPE_CHECKING:
    from marketplace.accounts.models import User
    from marketplace.products.models import Product
    from marketplace.reference.models import Certification, Subsector


class BusinessStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class ExportExperience(enum.StrEnum):
    NONE = "none"
    INDIRECT = "indirect"
    DIRECT = "direct"


class Business(Base):
    __tablename__ = "businesses"
    __table_args__ = (
        sa.CheckConstraint("employees IS NULL OR employees >= 0", name="employees_not_negative"),
        sa.CheckConstraint(
            "year_founded IS NULL OR year_founded BETWEEN 1800 AND 2200", name="year_founded_range"
        ),
    )

    id: Mapped[intpk]
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    slug: Mapped[str] = mapped_column(sa.String(180), unique=True)
    # No two businesses hold one NIB; the database enforces it, also for simultaneous saves.
    nib: Mapped[str | None] = mapped_column(sa.String(13), unique=True)
    subsector_code: Mapped[str | None] = mapped_column(sa.ForeignKey("subsectors.code"), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    year_founded: Mapped[int | None]
    employees: Mapped[int | None]
    monthly_capacity: Mapped[str | None] = mapped_column(sa.String(120))
    export_experience: Mapped[ExportExperience] = mapped_column(
        str_enum(ExportExperience, "export_experience"), default=ExportExperience.NONE
    )
    # ISO 3166-1 alpha-2 codes, sorted (see `countries`); edited and audited with the profile.
    export_markets: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default=sa.text("'[]'")
    )
    # What the free text of before named that is no country the list knows, kept for the owner
    # to choose from the list (shown on the profile form until they empty it); never public.
    export_markets_note: Mapped[str | None] = mapped_column(sa.Text)
    logo_key: Mapped[str | None] = mapped_column(sa.String(200))
    website: Mapped[str | None] = mapped_column(sa.String(255))
    instagram: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    whatsapp: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[BusinessStatus] = mapped_column(
        str_enum(BusinessStatus, "status"), default=BusinessStatus.DRAFT, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    owner: Mapped[User] = relationship()
    subsector: Mapped[Subsector | None] = relationship()
    certifications: Mapped[list[BusinessCertification]] = relationship(
        back_populates="business", cascade="all, delete-orphan", order_by="BusinessCertification.id"
    )
    products: Mapped[list[Product]] = relationship(back_populates="business")
    identity_change: Mapped[BusinessIdentityChange | None] = relationship(
        back_populates="business", cascade="all, delete-orphan"
    )
    translations: Mapped[list[BusinessTranslation]] = relationship(
        back_populates="business", cascade="all, delete-orphan", order_by="BusinessTranslation.id"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Only a verified business has a public page, and only its products can be public
        (see `Product.is_public`)."""
        return self.status == BusinessStatus.VERIFIED

    @is_public.inplace.expression
    @classmethod
    def _is_public_condition(cls) -> sa.ColumnElement[bool]:
        return cls.status == BusinessStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Business {self.slug} {self.status}>"


class BusinessTranslation(Base):
    """The profile's free text in one language other than English (the main text is English);
    a text left empty is shown in English."""

    __tablename__ = "business_translations"
    __table_args__ = (sa.UniqueConstraint("business_id", "locale"),)

    id: Mapped[intpk]
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(sa.String(8))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    monthly_capacity: Mapped[str | None] = mapped_column(sa.String(120))

    business: Mapped[Business] = relationship(back_populates="translations")


class BusinessCertification(Base):
    __tablename__ = "business_certifications"

    id: Mapped[intpk]
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    certification_code: Mapped[str] = mapped_column(sa.ForeignKey("certifications.code"))
    number: Mapped[str] = mapped_column(sa.String(80))
    issuer: Mapped[str | None] = mapped_column(sa.String(120))
    expires_on: Mapped[date | None]
    scan_key: Mapped[str | None] = mapped_column(sa.String(200))
    scan_content_type: Mapped[str | None] = mapped_column(sa.String(60))
    # The expiry date the owner was last reminded of (`reminders`): a renewed certificate with a
    # new date is reminded again.
    expiry_reminded_for: Mapped[date | None]
    created_at: Mapped[created_at]

    business: Mapped[Business] = relationship(back_populates="certifications")
    certification: Mapped[Certification] = relationship()


class IdentityChangeStatus(enum.StrEnum):
    PENDING = "pending"
    REJECTED = "rejected"


class BusinessIdentityChange(Base):
    """The identity a verified business asked to have instead of the verified one.

    The business row keeps the verified values, so every public page shows them until an
    officer approves; an approval applies these values and removes the row. A rejection keeps
    the row with its reason, for the owner to read, until the owner's next save. One per
    business: a new request replaces the one before.
    """

    __tablename__ = "business_identity_changes"

    id: Mapped[intpk]
    business_id: Mapped[int] = mapped_column(
        sa.ForeignKey("businesses.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[IdentityChangeStatus] = mapped_column(
        str_enum(IdentityChangeStatus, "status"), default=IdentityChangeStatus.PENDING
    )
    name: Mapped[str] = mapped_column(sa.String(160))
    nib: Mapped[str | None] = mapped_column(sa.String(13), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(60))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[updated_at]

    business: Mapped[Business] = relationship(back_populates="identity_change")
