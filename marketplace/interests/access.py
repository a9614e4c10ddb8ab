"""Loading a conversation for the signed-in person: anyone but its two parties and the office
gets 404 (which does not even confirm that it exists), on every route."""

from __future__ import annotations

import enum

from flask import abort

from marketplace.accounts.current import me
from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business
from marketplace.db import db
from marketplace.interests import queries
from marketplace.interests.models import Interest
from marketplace.interests.services import is_buyer, is_owner


class Side(enum.StrEnum):
    BUYER = "buyer"
    OWNER = "owner"
    OFFICE = "office"


def side_of(interest: Interest, user: User) -> Side:
    if is_buyer(interest, user):
        return Side.BUYER
    if is_owner(interest, user):
        return Side.OWNER
    return Side.OFFICE


def get_interest(interest_id: int) -> tuple[Interest, Side]:
    """The conversation and the signed-in person's side of it, or 404."""
    user = me()
    interest = db.session.scalar(queries.visible_interest(interest_id, user))
    if interest is None:
        abort(404)
    return interest, side_of(interest, user)


def may_see_contact(business: Business, viewer: User | None) -> bool:
    """Contact details are for the owner, the office, and buyers the MSME has answered."""
    if viewer is None:
        return False
    if viewer.id == business.owner_id or viewer.is_staff:
        return True
    if viewer.role != Role.BUYER:
        return False
    return bool(db.session.scalar(queries.replied_to_buyer(business.id, viewer.id)))
