"""An accepted product's shelf or booth code at its channel (its stock: `marketplace.stock`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.channels.curation import NominationError, clean_code, code_taken
from marketplace.channels.models import Nomination, NominationStatus
from marketplace.channels.services import lock_channel
from marketplace.db import db
from marketplace.ledger.audit import AuditAction, record_audit


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
