"""The one search function the pages use; which database engine answers is hidden here.

Ranking every match of a common word is what makes naive full-text search slow (the cost
grows with the number of matches). So each search takes at most CANDIDATE_CAP matches, the
newest listings first (the product id is the static rank), and ranks only those. A word that
matches fewer products than the cap is ranked over all its matches; for a very common word the
most relevant of the newest CANDIDATE_CAP matches come first, and the count says "more than".
The count comes with the results, from the same capped candidates: no second pass over them.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import sqlalchemy as sa

from marketplace.db import db
from marketplace.products.models import Product
from marketplace.products.queries import visible_products
from marketplace.search.index import engine_for
from marketplace.search.text import Term

# Ranking costs a few microseconds per candidate on both databases, and a common word's
# candidates are found by walking the index newest first until there are this many: with 500,
# a very common word costs about as much as a rare one (see bench/RESULTS.md).
CANDIDATE_CAP = 500


def _engine() -> ModuleType:
    return engine_for(db.engine.dialect.name)


def _base(where: Sequence[sa.ColumnElement[bool]]) -> sa.Select[int] | None:
    """The products the candidates must come from; None when there is no filter, and the
    candidates are read from the index alone (it holds visible products only)."""
    if not where:
        return None
    return visible_products().with_only_columns(Product.id).where(*where)


def search_products(
    terms: Sequence[Term],
    where: Sequence[sa.ColumnElement[bool]] = (),
    *,
    after: tuple[int, int] | None = None,
    limit: int,
    cap: int = CANDIDATE_CAP,
) -> sa.Select[Product, int, int]:
    """(product, score, matches) of visible products matching every term and every `where`
    condition, best first; `after` is the (score, id) of the last row of the previous page.

    `matches` is the number of candidates, counted in the same statement: `cap` + 1 of them
    are taken, so a count above `cap` means "more than `cap`". The index holds visible
    products only; visibility is checked again on the page's rows (not on every candidate),
    so a product whose index row is out of date is never shown.
    """
    top = _top(terms, where, after, limit, cap)
    return (
        visible_products()
        .add_columns(top.c.score, top.c.matches)
        .join(top, top.c.product_id == Product.id)
        .order_by(top.c.score.desc(), Product.id.desc())
    )


def search_ids(
    terms: Sequence[Term],
    where: Sequence[sa.ColumnElement[bool]] = (),
    *,
    after: tuple[int, int] | None = None,
    limit: int,
    cap: int = CANDIDATE_CAP,
) -> sa.Select[int, int, int]:
    """`search_products` as (product id, score, matches): for pages whose cards are kept."""
    top = _top(terms, where, after, limit, cap)
    return (
        visible_products()
        .with_only_columns(Product.id, top.c.score, top.c.matches)
        .join(top, top.c.product_id == Product.id)
        .order_by(top.c.score.desc(), Product.id.desc())
    )


def _top(
    terms: Sequence[Term],
    where: Sequence[sa.ColumnElement[bool]],
    after: tuple[int, int] | None,
    limit: int,
    cap: int,
) -> sa.Subquery:
    ranked = _engine().ranked(_base(where), terms, cap + 1)
    counted = sa.select(
        ranked.c.product_id, ranked.c.score, sa.func.count().over().label("matches")
    ).subquery("counted")
    page = sa.select(counted)
    if after is not None:
        page = page.where(sa.tuple_(counted.c.score, counted.c.product_id) < after)
    best_first = (counted.c.score.desc(), counted.c.product_id.desc())
    return page.order_by(*best_first).limit(limit).subquery("top")
