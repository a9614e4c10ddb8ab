"""Selects over announcements: who an audience reaches, the office's list with its read counts,
and an MSME owner's announcements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.accounts.models import User, UserStatus
from marketplace.announcements.models import Announcement, AnnouncementRecipient
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.channels.models import Nomination, NominationStatus
from marketplace.products.models import Product

# A channel's participants: MSMEs with a product put forward to it or accepted there.
TAKING_PART = (NominationStatus.NOMINATED, NominationStatus.ACCEPTED)


@dataclass(frozen=True)
class Audience:
    """Each criterion empty for "no restriction"; criteria combine with AND, the choices
    within one with OR."""

    subsector_codes: Sequence[str] = ()
    districts: Sequence[str] = ()
    certification_codes: Sequence[str] = ()
    channel_ids: Sequence[int] = ()

    @classmethod
    def of(cls, announcement: Announcement) -> Audience:
        return cls(
            tuple(announcement.subsector_codes or ()),
            tuple(announcement.districts or ()),
            tuple(announcement.certification_codes or ()),
            tuple(announcement.channel_ids or ()),
        )


def audience(chosen: Audience, today: date) -> sa.Select[Business]:
    """The verified businesses of active owners that the audience reaches, by name. A
    certification counts while it is valid (no expiry date, or not expired by `today`)."""
    query = (
        sa.select(Business)
        .join(User, User.id == Business.owner_id)
        .where(Business.is_public, User.status == UserStatus.ACTIVE)
    )
    if chosen.subsector_codes:
        query = query.where(Business.subsector_code.in_(chosen.subsector_codes))
    if chosen.districts:
        query = query.where(Business.district.in_(chosen.districts))
    if chosen.certification_codes:
        query = query.where(
            sa.exists().where(
                BusinessCertification.business_id == Business.id,
                BusinessCertification.certification_code.in_(chosen.certification_codes),
                sa.or_(
                    BusinessCertification.expires_on.is_(None),
                    BusinessCertification.expires_on >= today,
                ),
            )
        )
    if chosen.channel_ids:
        query = query.where(
            sa.exists().where(
                Product.business_id == Business.id,
                Nomination.product_id == Product.id,
                Nomination.channel_id.in_(chosen.channel_ids),
                Nomination.status.in_(TAKING_PART),
            )
        )
    return query.order_by(Business.name, Business.id)


def newest_first() -> sa.Select[Announcement]:
    return sa.select(Announcement).order_by(Announcement.created_at.desc(), Announcement.id.desc())


def counts(announcement_ids: Sequence[int]) -> sa.Select[int, int, int]:
    """Per announcement: how many MSMEs it was sent to, and how many of them read it."""
    return (
        sa.select(
            AnnouncementRecipient.announcement_id,
            sa.func.count(AnnouncementRecipient.id),
            sa.func.count(AnnouncementRecipient.read_at),
        )
        .where(AnnouncementRecipient.announcement_id.in_(announcement_ids))
        .group_by(AnnouncementRecipient.announcement_id)
    )


def recipients(announcement_id: int) -> sa.Select[AnnouncementRecipient, str]:
    """Who it was sent to, with the business's name: unread ones first, then by name."""
    return (
        sa.select(AnnouncementRecipient, Business.name)
        .join(Business, Business.id == AnnouncementRecipient.business_id)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .order_by(AnnouncementRecipient.read_at.is_not(None), Business.name)
    )


def sent_to(user_id: int) -> sa.Select[Announcement, AnnouncementRecipient]:
    """The announcements sent to an owner, newest first."""
    return (
        sa.select(Announcement, AnnouncementRecipient)
        .join(AnnouncementRecipient, AnnouncementRecipient.announcement_id == Announcement.id)
        .where(AnnouncementRecipient.user_id == user_id)
        .order_by(Announcement.sent_at.desc(), Announcement.id.desc())
    )


def received(announcement_id: int, user_id: int) -> sa.Select[AnnouncementRecipient]:
    return sa.select(AnnouncementRecipient).where(
        AnnouncementRecipient.announcement_id == announcement_id,
        AnnouncementRecipient.user_id == user_id,
    )
