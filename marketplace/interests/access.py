"""Loading a conversation for the signed-in person: anyone but its two parties and the office
gets 404 (which does not even confirm that it exists), on every route."""

from __future__ import annotations

import enum

from flask import abort

from marketplace.accounts.current import me
from marketplace.accounts.models import User
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
