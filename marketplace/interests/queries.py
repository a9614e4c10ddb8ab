"""Selects over interests, their messages and the shortlist; callers execute or paginate.

Who may see a conversation is decided here once (`visible_interest`): its buyer, the owner of
the product's business, and the trade office. Everyone else finds nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload, with_expression

from marketplace.accounts.models import BuyerProfile, Role, User, UserStatus
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel
from marketplace.interests.models import (
    OPEN_INTEREST_STATUSES,
    ConversationRead,
    Interest,
    InterestStatus,
    Message,
    Reader,
    ShortlistEntry,
)
from marketplace.products.models import Product


def _with_thread(query: sa.Select[Interest]) -> sa.Select[Interest]:
    """Everything a conversation page shows, loaded up front."""
    return query.options(
        selectinload(Interest.product).selectinload(Product.business),
        selectinload(Interest.buyer)
        .selectinload(User.buyer_profile)
        .options(selectinload(BuyerProfile.partner_city), selectinload(BuyerProfile.subsectors)),
        selectinload(Interest.channel),
        selectinload(Interest.visitor),
        selectinload(Interest.messages).selectinload(Message.sender),
    )


def visible_interest(interest_id: int, viewer: User) -> sa.Select[Interest]:
    """The interest if `viewer` is its buyer, the owner of its business, or an officer."""
    query = sa.select(Interest).where(Interest.id == interest_id)
    if not viewer.is_staff:
        owned = (
            sa.select(Product.id)
            .join(Product.business)
            .where(Product.id == Interest.product_id, Business.owner_id == viewer.id)
            .exists()
        )
        query = query.where(sa.or_(Interest.buyer_id == viewer.id, owned))
    return _with_thread(query)


def interest_by_key(submission_key: str) -> sa.Select[Interest]:
    return sa.select(Interest).where(Interest.submission_key == submission_key)


def message_by_key(submission_key: str) -> sa.Select[Message]:
    return sa.select(Message).where(Message.submission_key == submission_key)


def open_interest(buyer_id: int, product_id: int) -> sa.Select[Interest]:
    """The buyer's open conversation about the product, the newest if there were ever two."""
    return (
        sa.select(Interest)
        .where(
            Interest.buyer_id == buyer_id,
            Interest.product_id == product_id,
            Interest.status.in_(OPEN_INTEREST_STATUSES),
        )
        .order_by(Interest.id.desc())
        .limit(1)
    )


def last_activity() -> sa.ColumnElement[datetime]:
    """When the conversation last moved: its newest message, or its creation."""
    newest = (
        sa.select(sa.func.max(Message.created_at))
        .where(Message.interest_id == Interest.id)
        .scalar_subquery()
    )
    return sa.func.coalesce(newest, Interest.created_at)


def _newest_message_from(buyer_side: bool) -> sa.ScalarSelect[datetime]:
    side = Message.sender_id == Interest.buyer_id
    return (
        sa.select(sa.func.max(Message.created_at))
        .where(Message.interest_id == Interest.id, side if buyer_side else sa.not_(side))
        .scalar_subquery()
    )


def _opened_at(reader: Reader) -> sa.ScalarSelect[datetime]:
    """When the reader last opened the conversation (see `reading`)."""
    return (
        sa.select(ConversationRead.read_at)
        .where(ConversationRead.interest_id == Interest.id, ConversationRead.reader == reader)
        .scalar_subquery()
    )


def _after(moment: Any, *markers: Any) -> sa.ColumnElement[bool]:
    """`moment` is later than every marker that is set: the party has not read up to it."""
    return sa.and_(*(sa.or_(marker.is_(None), moment > marker) for marker in markers))


def unread_by_buyer() -> sa.ColumnElement[bool]:
    """The business wrote since the buyer last wrote or opened the conversation."""
    newest = _newest_message_from(buyer_side=False)
    return sa.and_(
        newest.is_not(None), _after(newest, Interest.buyer_read_at, _opened_at(Reader.BUYER))
    )


def unread_by_owner() -> sa.ColumnElement[bool]:
    """The owner has never written nor opened the conversation, or the buyer wrote since."""
    newest = _newest_message_from(buyer_side=True)
    opened = _opened_at(Reader.OWNER)
    return sa.or_(
        sa.and_(Interest.owner_read_at.is_(None), opened.is_(None)),
        sa.and_(newest.is_not(None), _after(newest, Interest.owner_read_at, opened)),
    )


def buyer_interests(buyer_id: int) -> sa.Select[Interest]:
    """A buyer's conversations, the most recently active first, each with its unread flag."""
    return (
        sa.select(Interest)
        .where(Interest.buyer_id == buyer_id)
        .options(
            with_expression(Interest.unread, unread_by_buyer()),
            selectinload(Interest.product).options(
                selectinload(Product.business), selectinload(Product.translations)
            ),
        )
        .order_by(last_activity().desc(), Interest.id.desc())
        # An interest already in the session gets its flag for this reader too.
        .execution_options(populate_existing=True)
    )


def business_inbox(business_id: int, status: InterestStatus | None = None) -> sa.Select[Interest]:
    """Interests in a business's products, the most recently active first, with unread flags."""
    query = (
        sa.select(Interest)
        .join(Interest.product)
        .where(Product.business_id == business_id)
        .options(
            with_expression(Interest.unread, unread_by_owner()),
            selectinload(Interest.product).selectinload(Product.translations),
            selectinload(Interest.buyer).selectinload(User.buyer_profile),
            selectinload(Interest.visitor),
        )
        .order_by(last_activity().desc(), Interest.id.desc())
        .execution_options(populate_existing=True)
    )
    if status is not None:
        query = query.where(Interest.status == status)
    return query


def inbox_status_counts(business_id: int) -> sa.Select[InterestStatus, int]:
    return (
        sa.select(Interest.status, sa.func.count(Interest.id))
        .join(Interest.product)
        .where(Product.business_id == business_id)
        .group_by(Interest.status)
    )


def unanswered_since(
    cutoff: datetime, marker: sa.orm.InstrumentedAttribute[datetime | None]
) -> sa.Select[Interest]:
    """New interests created before `cutoff`, never answered, and not yet marked by `marker`."""
    return (
        sa.select(Interest)
        .where(
            Interest.status == InterestStatus.NEW,
            Interest.first_reply_at.is_(None),
            Interest.created_at <= cutoff,
            marker.is_(None),
        )
        .options(
            selectinload(Interest.product)
            .selectinload(Product.business)
            .selectinload(Business.owner),
            selectinload(Interest.buyer).selectinload(User.buyer_profile),
            selectinload(Interest.visitor),
        )
        .order_by(Interest.id)
    )


def active_officers() -> sa.Select[User]:
    return (
        sa.select(User)
        .where(User.role == Role.OFFICER, User.status == UserStatus.ACTIVE)
        .order_by(User.id)
    )


def buyer_contacted_owner(buyer_id: int, owner_id: int) -> sa.Select[bool]:
    """Whether the buyer has expressed interest in a product of the owner's business."""
    return sa.select(
        sa.exists()
        .where(
            Interest.buyer_id == buyer_id,
            Interest.product_id == Product.id,
            Product.business_id == Business.id,
        )
        .where(Business.owner_id == owner_id)
    )


def buyer_with_profile(buyer_id: int) -> sa.Select[User]:
    return (
        sa.select(User)
        .where(User.id == buyer_id, User.role == Role.BUYER)
        .options(
            selectinload(User.buyer_profile).options(
                selectinload(BuyerProfile.partner_city), selectinload(BuyerProfile.subsectors)
            )
        )
    )


def shortlist_entry(user_id: int, product_id: int) -> sa.Select[ShortlistEntry]:
    return sa.select(ShortlistEntry).where(
        ShortlistEntry.user_id == user_id, ShortlistEntry.product_id == product_id
    )


def shortlist_of(user_id: int) -> sa.Select[ShortlistEntry]:
    """A buyer's shortlist, the latest addition first."""
    return (
        sa.select(ShortlistEntry)
        .where(ShortlistEntry.user_id == user_id)
        .options(
            selectinload(ShortlistEntry.product).options(
                selectinload(Product.business),
                selectinload(Product.images),
                selectinload(Product.translations),
            )
        )
        .order_by(ShortlistEntry.created_at.desc(), ShortlistEntry.product_id.desc())
    )


def reply_times(business_ids: list[int]) -> sa.Select[int, datetime, datetime | None]:
    """(business id, created, first reply) of each interest in the businesses' products."""
    return (
        sa.select(Product.business_id, Interest.created_at, Interest.first_reply_at)
        .join(Interest.product)
        .where(Product.business_id.in_(business_ids), Interest.status != InterestStatus.SPAM)
    )


def partner_interests() -> sa.Select[int | None, int]:
    """Per partner city: interests that came through its channels (spam not counted)."""
    return (
        sa.select(Channel.partner_city_id, sa.func.count(Interest.id))
        .join(Interest.channel)
        .where(Channel.partner_city_id.is_not(None), Interest.status != InterestStatus.SPAM)
        .group_by(Channel.partner_city_id)
    )


# ---------------------------------------------------------------------------------------------
# The office


def replied_to_buyer(business_id: int, buyer_id: int) -> sa.Select[bool]:
    """Whether the business has answered at least one of this buyer's interests."""
    return sa.select(
        sa.exists()
        .where(
            Interest.buyer_id == buyer_id,
            Interest.first_reply_at.is_not(None),
            Interest.product_id == Product.id,
        )
        .where(Product.business_id == business_id)
    )
