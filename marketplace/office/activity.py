"""Dated product views for the outcome reports: one upsert per counted view of a product page.

A view counts for a day in Bandung (the office's calendar) and for the channel the visit came
through, if any (the same rule as interests: the last channel that brought the visitor within
the attribution window), so views can be reported per period, channel and partnership. The
daily sums the reports add up (`rollups`) go up in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.office.models import ProductViewDay
from marketplace.office.rollups import add_views
from marketplace.periods import bandung_today


def count_product_view(product_id: int, channel_id: int | None, day: date | None = None) -> None:
    """Add one view of `product_id` on `day` (today in Bandung by default).

    A channel id that no longer names a channel (an old visit cookie) counts as a direct view.
    Concurrent views of the same product on the same day all count: the row is inserted or
    raised in one statement.
    """
    if channel_id is not None and db.session.get(Channel, channel_id) is None:
        channel_id = None
    table = cast(sa.Table, ProductViewDay.__table__)
    day = day or bandung_today()
    values = {
        "product_id": product_id,
        "channel_id": channel_id,
        "channel_key": channel_id or 0,
        "day": day,
        "views": 1,
    }
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["product_id", "channel_key", "day"],
            set_={"views": table.c.views + 1},
        )
    )
    add_views(connection, product_id, channel_id, day)


def product_viewed(product_id: int, *, channel_id: int | None, day: date | None = None) -> None:
    """Receiver of `products.events.product_viewed`."""
    count_product_view(product_id, channel_id, day)
