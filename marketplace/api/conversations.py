"""A conversation (an interest and its messages) as one of its two sides reaches it through the
private API: the owner's operations (`owner_views`) and the buyer's (`buyer_views`) load and
answer it the same way, each from its own side.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.current import me
from marketplace.api import private_payloads as payloads
from marketplace.api.auth import refuse
from marketplace.interests.access import Side, get_interest
from marketplace.interests.models import Interest


def own_conversation(interest_id: int, side: Side) -> Interest:
    """A conversation the signed-in person sees from another side is 404 here, as one they
    cannot see at all."""
    interest, found = get_interest(interest_id)
    if found != side:
        refuse(404)
    return interest


def conversation_out(interest_id: int, side: Side) -> dict[str, Any]:
    """The conversation with its messages, as `side` sees it."""
    return payloads.interest_out(
        own_conversation(interest_id, side), me(), owner_side=side == Side.OWNER, messages=True
    )
