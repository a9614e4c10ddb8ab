"""A buyer's shortlist: products kept aside to compare and come back to.

Adding twice keeps one entry (a double click, two tabs); removing what is not there is no
error. Only buyers keep a shortlist, and only public products can be added.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.db import db, lock
from marketplace.interests import queries
from marketplace.interests.models import ShortlistEntry
from marketplace.interests.services import InterestError
from marketplace.products.models import Product

SHORTLIST_MAX = 500


def add_to_shortlist(product: Product, buyer: User) -> tuple[ShortlistEntry, bool]:
    """The entry, and whether it was added now."""
    if buyer.role != Role.BUYER:
        raise InterestError(_l("Only buyers keep a shortlist."))
    # The buyer's row is locked so that two additions at once cannot pass the size check together.
    lock(buyer)
    existing = db.session.scalar(queries.shortlist_entry(buyer.id, product.id))
    if existing is not None:
        return existing, False
    if not product.is_public:
        raise InterestError(_l("This product is not available any more."))
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ShortlistEntry)
        .where(ShortlistEntry.user_id == buyer.id)
    )
    if (count or 0) >= SHORTLIST_MAX:
        raise InterestError(
            _l("Your shortlist is full (%(n)d products). Remove some first.", n=SHORTLIST_MAX)
        )
    entry = ShortlistEntry(user_id=buyer.id, product_id=product.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except sa.exc.IntegrityError:
        found = db.session.scalar(queries.shortlist_entry(buyer.id, product.id))
        if found is None:
            raise
        return found, False
    return entry, True


def remove_from_shortlist(product_id: int, buyer: User) -> bool:
    """Whether an entry was removed."""
    entry = db.session.scalar(queries.shortlist_entry(buyer.id, product_id))
    if entry is None:
        return False
    db.session.delete(entry)
    db.session.flush()
    return True
