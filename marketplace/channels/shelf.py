"""A showroom's real flow for accepted products, forward only, and their shelf or booth codes.

    accepted -> shipped(quantity) -> on shelf -> sold out | returned(quantity sold)
                shipped -> returned

Quantities are kept as the product moves: how many were shipped, and how many sold. Every step
is written to the audit log.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.channels.curation import (
    NominationError,
    clean_code,
    code_taken,
    reload_nomination,
)
from marketplace.channels.models import ChannelKind, Nomination, NominationStatus, ShelfStage
from marketplace.channels.services import lock_channel
from marketplace.db import db
from marketplace.ledger.audit import AuditAction, record_audit

NEXT_STAGES = {
    ShelfStage.ACCEPTED: (ShelfStage.SHIPPED,),
    ShelfStage.SHIPPED: (ShelfStage.ON_SHELF, ShelfStage.RETURNED),
    ShelfStage.ON_SHELF: (ShelfStage.SOLD_OUT, ShelfStage.RETURNED),
}


def set_shelf_code(nomination: Nomination, officer: User, code: str) -> Nomination:
    if nomination.status != NominationStatus.ACCEPTED:
        raise NominationError(_l("Only accepted products have a shelf or booth code."))
    lock_channel(nomination.channel_id)
    clean = clean_code(code)
    if code_taken(nomination.channel, clean, except_id=nomination.id):
        raise NominationError(_l("Another product already has this shelf or booth code."))
    before = nomination.shelf_code
    nomination.shelf_code = clean
    db.session.flush()
    if before != clean:
        record_audit(
            officer,
            AuditAction.NOMINATION_SHELF_CODE,
            "nomination",
            nomination.id,
            {"shelf_code": before},
            {"shelf_code": clean},
        )
    return nomination


def advance_stage(
    nomination: Nomination,
    officer: User,
    stage: ShelfStage,
    quantity_shipped: int | None = None,
    quantity_sold: int | None = None,
) -> Nomination:
    """Move a showroom product one step forward; the flow never goes back.

    Shipping needs the quantity shipped; selling out means every shipped piece was sold; a
    return records how many were sold before it, never more than were shipped.
    """
    lock_channel(nomination.channel_id)
    current = reload_nomination(nomination.id)
    if current.channel.kind != ChannelKind.SHOWROOM:
        raise NominationError(_l("Only showroom products follow the shelf flow."))
    if current.status != NominationStatus.ACCEPTED or current.stage is None:
        raise NominationError(_l("Only accepted products follow the shelf flow."))
    if stage not in NEXT_STAGES.get(current.stage, ()):
        raise NominationError(_l("The product cannot go from this stage to that one."))
    if stage == ShelfStage.SHIPPED:
        if quantity_shipped is None or quantity_shipped < 1:
            raise NominationError(_l("Say how many pieces were shipped (at least 1)."))
        current.quantity_shipped = quantity_shipped
        current.quantity_sold = 0
    shipped = current.quantity_shipped or 0
    if stage == ShelfStage.SOLD_OUT:
        current.quantity_sold = shipped
    if stage == ShelfStage.RETURNED:
        sold = current.quantity_sold if quantity_sold is None else quantity_sold
        _check_sold(sold or 0, shipped)
        current.quantity_sold = sold or 0
    before = current.stage.value
    current.stage = stage
    db.session.flush()
    record_audit(
        officer,
        AuditAction.NOMINATION_STAGE,
        "nomination",
        current.id,
        {"stage": before},
        {
            "stage": stage.value,
            "quantity_shipped": current.quantity_shipped,
            "quantity_sold": current.quantity_sold,
        },
    )
    return current


def _check_sold(sold: int, shipped: int) -> None:
    if sold < 0 or sold > shipped:
        raise NominationError(
            _l("The quantity sold lies between 0 and the %(n)s shipped.", n=shipped)
        )


def record_sales(nomination: Nomination, officer: User, quantity_sold: int) -> Nomination:
    """How many of the shipped pieces have sold so far, while the product is on the shelf."""
    lock_channel(nomination.channel_id)
    current = reload_nomination(nomination.id)
    if current.status != NominationStatus.ACCEPTED or current.stage != ShelfStage.ON_SHELF:
        raise NominationError(_l("Sales are recorded while the product is on the shelf."))
    _check_sold(quantity_sold, current.quantity_shipped or 0)
    before = current.quantity_sold
    current.quantity_sold = quantity_sold
    db.session.flush()
    record_audit(
        officer,
        AuditAction.NOMINATION_SALES,
        "nomination",
        current.id,
        {"quantity_sold": before},
        {"quantity_sold": quantity_sold},
    )
    return current
