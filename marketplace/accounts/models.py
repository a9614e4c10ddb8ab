"""People: accounts with one role each, and the buyer's company profile."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.passwords import is_usable
from marketplace.db import Base, created_at, intpk, str_enum

if TYPE_CHECKING:
    from marketplace.reference.models import PartnerCity, Subsector


class Role(enum.StrEnum):
    MSME = "msme"
    BUYER = "buyer"
    OFFICER = "officer"
    ADMIN = "admin"
    # Staff at a showroom or a fair stand abroad: the channels they are assigned to, nothing else.
    COORDINATOR = "coordinator"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    # Deleted by its owner: the person's details are gone, the row stays for the records that
    # name it (the MSMEs' conversations and deals, anonymised figures).
    DELETED = "deleted"


class BuyerType(enum.StrEnum):
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"
    RETAILER = "retailer"
    SHOWROOM = "showroom"
    INDIVIDUAL = "individual"

    @property
    def is_business(self) -> bool:
        """Every type but a private person buys for a company, whose name it gives."""
        return self is not BuyerType.INDIVIDUAL


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


buyer_subsector = sa.Table(
    "buyer_subsectors",
    Base.metadata,
    sa.Column(
        "buyer_id", sa.ForeignKey("buyer_profiles.user_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("subsector_code", sa.ForeignKey("subsectors.code"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), index=True)
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus, "status"), default=UserStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    email_verified_at: Mapped[datetime | None]
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    # An IANA name chosen in the settings; none: the automatic zone (marketplace.accounts.zones).
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    # Changes on logout, password change and suspension: every older session cookie stops working.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None]

    buyer_profile: Mapped[BuyerProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def has_password(self) -> bool:
        """False for an account opened by a mailed link whose owner has not chosen one yet."""
        return is_usable(self.password_hash)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.OFFICER, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class BuyerProfile(Base):
    __tablename__ = "buyer_profiles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    company: Mapped[str] = mapped_column(sa.String(160))
    buyer_type: Mapped[BuyerType] = mapped_column(str_enum(BuyerType, "buyer_type"))
    city: Mapped[str] = mapped_column(sa.String(120))
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    partner_city_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_cities.id"), index=True
    )
    preferred_currency: Mapped[str | None] = mapped_column(sa.String(3))

    user: Mapped[User] = relationship(back_populates="buyer_profile")
    partner_city: Mapped[PartnerCity | None] = relationship()
    subsectors: Mapped[list[Subsector]] = relationship(secondary=buyer_subsector)
