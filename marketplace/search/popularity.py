"""How much interest each visible product drew, kept beside the search index for sorting.

The catalog's "most interest" order needs the number of interests of every product. Counting
them at each page view means grouping the whole interests table and sorting the whole catalog;
instead `search_popularity` holds one row per visible product (written with its index row) and
its count is refreshed whenever an interest of that product is added, removed or marked as
spam, in the same transaction. An index on (interests, product_id) lets a page read just a page.
Spam is not interest.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.interests.models import Interest, InterestStatus

POPULARITY = sa.table(
    "search_popularity",
    sa.column("product_id", sa.Integer),
    sa.column("interests", sa.Integer),
)


def _count() -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count(Interest.id))
        .where(
            Interest.product_id == POPULARITY.c.product_id,
            Interest.status != InterestStatus.SPAM,
        )
        .scalar_subquery()
    )


def delete(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    if product_ids:
        connection.execute(sa.delete(POPULARITY).where(POPULARITY.c.product_id.in_(product_ids)))


def insert(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    """Rows for newly indexed products, with their current counts (two statements)."""
    if not product_ids:
        return
    connection.execute(
        sa.insert(POPULARITY), [{"product_id": pid, "interests": 0} for pid in product_ids]
    )
    recount(connection, product_ids)


def recount(connection: sa.Connection, product_ids: Collection[int]) -> None:
    """Refresh the counts of these products (those not visible have no row: nothing to do)."""
    if product_ids:
        connection.execute(
            sa.update(POPULARITY)
            .where(POPULARITY.c.product_id.in_(list(product_ids)))
            .values(interests=_count())
        )


def clear(connection: sa.Connection) -> None:
    connection.execute(sa.delete(POPULARITY))


def _product_ids(interest: Interest) -> set[int]:
    state = sa.inspect(interest)
    return {value for value in state.attrs.product_id.history.sum() if value is not None}


def recount_flushed_interests(
    session: Session, added: list[Interest], changed: list[Interest], deleted: list[Interest]
) -> None:
    """Receiver of `interests_flushed`: an interest added or deleted, or one whose status or
    product changed, changes the counts of the products it names (before and after)."""
    product_ids: set[int] = set()
    for interest in added + deleted:
        product_ids |= _product_ids(interest)
    for interest in changed:
        state = sa.inspect(interest)
        if state.attrs.status.history.has_changes() or state.attrs.product_id.history.has_changes():
            product_ids |= _product_ids(interest)
    recount(session.connection(), product_ids)
