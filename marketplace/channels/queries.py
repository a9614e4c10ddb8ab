"""Selects for channel pages, the partner cities' figures, curation and the owner's nominations.

Figures are counted by the database (GROUP BY), never by loading rows into Python.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import User
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.channels.models import (
    GONE_STAGES,
    Channel,
    ChannelStatus,
    Nomination,
    NominationScore,
    NominationStatus,
)
from marketplace.products.models import Product, ProductImage
from marketplace.reference.models import PartnerCity

PUBLIC_STATUSES = (ChannelStatus.OPEN, ChannelStatus.CLOSED, ChannelStatus.ARCHIVED)
LISTED_STATUSES = (ChannelStatus.OPEN, ChannelStatus.CLOSED)


def listed_channels() -> sa.Select[Channel]:
    """Open and closed channels, grouped by series (editions of one fair together), newest
    edition first within a series."""
    return (
        sa.select(Channel)
        .where(Channel.status.in_(LISTED_STATUSES))
        .options(selectinload(Channel.partner_city))
        .order_by(
            sa.func.coalesce(Channel.series, Channel.name),
            Channel.starts_on.desc().nulls_last(),
            Channel.name,
        )
    )


def past_channels() -> sa.Select[Channel]:
    return (
        sa.select(Channel)
        .where(Channel.status == ChannelStatus.ARCHIVED)
        .order_by(Channel.starts_on.desc().nulls_last(), Channel.name)
    )


def visible_channels() -> sa.Select[Channel]:
    """Drafts are not public; archived editions keep their page (their address was printed)."""
    return sa.select(Channel).where(Channel.status.in_(PUBLIC_STATUSES))


@cache
def public_channel() -> sa.Select[Channel]:
    """The visible channel whose slug is bound as `slug`, with its partner city; built once
    (run it with `db.found_or_404`)."""
    by_slug = visible_channels().where(Channel.slug == sa.bindparam("slug"))
    return by_slug.options(joinedload(Channel.partner_city))


def on_show() -> sa.ColumnElement[bool]:
    """A nomination whose product is in the channel's line-up: accepted, and with pieces at
    the channel or still to come. A product sold out there, sent back, or whose last pieces
    were damaged or lost has left the shelf, and the line-up shows what a visitor finds."""
    return sa.and_(
        Nomination.status == NominationStatus.ACCEPTED,
        sa.or_(Nomination.stage.is_(None), Nomination.stage.not_in(GONE_STAGES)),
    )


def _lineup_rows(channel_id: int) -> sa.Select[Nomination]:
    return (
        sa.select(Nomination)
        .join(Nomination.product)
        .join(Product.business)
        .where(
            Nomination.channel_id == channel_id,
            on_show(),
            Product.is_public,
        )
        .order_by(Nomination.shelf_code, Nomination.id)
    )


def lineup(channel_id: int) -> sa.Select[Nomination]:
    """The products a visitor may see in the channel, by shelf code: on show (see `on_show`),
    published, of verified MSMEs."""
    return _lineup_rows(channel_id).options(
        selectinload(Nomination.product).selectinload(Product.images),
        selectinload(Nomination.product).selectinload(Product.translations),
        selectinload(Nomination.product).selectinload(Product.business),
        selectinload(Nomination.product)
        .selectinload(Product.certifications)
        .selectinload(BusinessCertification.certification),
    )


def lineup_cover(channel_id: int) -> sa.Select[Nomination]:
    """The first nomination of the line-up whose product has a photo (the cover of the
    channel's link preview), without loading the line-up."""
    has_photo = sa.exists().where(ProductImage.product_id == Nomination.product_id)
    return (
        _lineup_rows(channel_id)
        .where(has_photo)
        .options(
            selectinload(Nomination.product).selectinload(Product.images),
            selectinload(Nomination.product).selectinload(Product.translations),
        )
        .limit(1)
    )


def partner_cities() -> sa.Select[PartnerCity]:
    """Oldest ties first; cities whose year is unknown after them, by name."""
    return (
        sa.select(PartnerCity)
        .options(selectinload(PartnerCity.channels))
        .order_by(PartnerCity.since_year.is_(None), PartnerCity.since_year, PartnerCity.name)
    )


def partner_figures() -> sa.Select[int | None, int, int]:
    """Per partner city: MSMEs taking part and products shown (accepted in a public channel)."""
    return (
        sa.select(
            Channel.partner_city_id,
            sa.func.count(sa.distinct(Product.business_id)),
            sa.func.count(sa.distinct(Nomination.product_id)),
        )
        .join(Nomination.channel)
        .join(Nomination.product)
        .where(
            Nomination.status == NominationStatus.ACCEPTED,
            Channel.status.in_(PUBLIC_STATUSES),
            Channel.partner_city_id.is_not(None),
        )
        .group_by(Channel.partner_city_id)
    )


def all_channels() -> sa.Select[Channel]:
    return (
        sa.select(Channel)
        .options(selectinload(Channel.partner_city))
        .order_by(sa.func.coalesce(Channel.series, Channel.name), Channel.starts_on, Channel.name)
    )


def nomination_counts() -> sa.Select[int, NominationStatus, int]:
    """(channel id, status, how many) for every channel."""
    return sa.select(
        Nomination.channel_id, Nomination.status, sa.func.count(Nomination.id)
    ).group_by(Nomination.channel_id, Nomination.status)


def nominations_for_review(channel_id: int) -> sa.Select[Nomination]:
    """Every nomination of a channel with what officers compare: waiting ones first."""
    waiting_first = sa.case((Nomination.status == NominationStatus.NOMINATED, 0), else_=1)
    return (
        sa.select(Nomination)
        .where(Nomination.channel_id == channel_id)
        .options(
            selectinload(Nomination.product).selectinload(Product.images),
            selectinload(Nomination.product)
            .selectinload(Product.business)
            .selectinload(Business.certifications)
            .selectinload(BusinessCertification.certification),
            selectinload(Nomination.product)
            .selectinload(Product.certifications)
            .selectinload(BusinessCertification.certification),
            selectinload(Nomination.scores),
            selectinload(Nomination.decided_by),
        )
        .order_by(waiting_first, Nomination.created_at, Nomination.id)
    )


def score_officers(nomination_ids: list[int]) -> sa.Select[NominationScore, str]:
    return (
        sa.select(NominationScore, User.name)
        .join(User, User.id == NominationScore.officer_id)
        .where(NominationScore.nomination_id.in_(nomination_ids))
        .order_by(NominationScore.created_at)
    )


# ---------------------------------------------------------------------------------------------
# The owner


def nominations_of_owner(owner_id: int) -> sa.Select[Nomination]:
    return (
        sa.select(Nomination)
        .join(Nomination.product)
        .join(Product.business)
        .where(Business.owner_id == owner_id)
        .options(selectinload(Nomination.product), selectinload(Nomination.channel))
        .order_by(Nomination.created_at.desc(), Nomination.id.desc())
    )


def own_nomination(owner_id: int, nomination_id: int) -> sa.Select[Nomination]:
    return nominations_of_owner(owner_id).where(Nomination.id == nomination_id)


def own_published_products(owner_id: int) -> sa.Select[Product]:
    return (
        sa.select(Product)
        .join(Product.business)
        .where(
            Business.owner_id == owner_id,
            Product.is_public,
        )
        .order_by(Product.name)
    )


def own_product(owner_id: int, product_id: int) -> sa.Select[Product]:
    return (
        sa.select(Product)
        .join(Product.business)
        .where(Business.owner_id == owner_id, Product.id == product_id)
    )


def channels_taking_nominations() -> sa.Select[Channel]:
    """Open channels; the caller checks each one's application window against today."""
    return sa.select(Channel).where(Channel.status == ChannelStatus.OPEN).order_by(Channel.name)


def accepted_channels(product_ids: list[int]) -> sa.Select[int, Channel]:
    """(product id, channel) for every channel that has accepted one of the products."""
    return (
        sa.select(Nomination.product_id, Channel)
        .join(Nomination.channel)
        .where(
            Nomination.product_id.in_(product_ids),
            Nomination.status == NominationStatus.ACCEPTED,
        )
        .order_by(Channel.name)
    )
