"""The search index on SQLite: an FTS5 table `search_products`, one row per visible product.

The row id is minus the product id. FTS5 reads a term's matches lazily in ascending row id
order but has to decode the whole list to walk it backwards, so negative ids make "the newest
listings first" the cheap direction: the first CANDIDATE_CAP matches of even the most common
word are read without touching the rest.

The text arrives already folded and split (see `text.py`), so FTS5's `unicode61` tokenizer
only has to split on the spaces. A prefix query normally makes FTS5 merge the match lists of
every word with that prefix before it returns the first row; the prefix index on two- to
five-character prefixes answers those like single words, lazily. Ranking is FTS5's bm25 with
the columns weighted names > business > materials > body.

The table and its trigger are created by the "search index" migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from marketplace.products.models import Product
from marketplace.search.documents import Document
from marketplace.search.text import Term

INDEX = sa.table(
    "search_products",
    sa.column("rowid", sa.Integer),
    sa.column("names", sa.Text),
    sa.column("business", sa.Text),
    sa.column("materials", sa.Text),
    sa.column("body", sa.Text),
)
# FTS5's hidden column named after the table: the left side of MATCH and bm25's argument.
_TABLE: sa.ColumnClause[str] = sa.literal_column("search_products")
WEIGHTS = (10.0, 5.0, 2.0, 1.0)  # names, business, materials, body
# bm25 as a whole number, so a page cursor compares it exactly; bm25 is tiny in a small index.
SCORE_SCALE = 1_000_000_000


def match_expression(terms: Sequence[Term]) -> str:
    """Every term as a quoted string, so FTS5 syntax in user text is never interpreted;
    prefix terms with a star. Terms are implicitly ANDed."""
    return " ".join(f'"{term.word}"*' if term.prefix else f'"{term.word}"' for term in terms)


def restrict(query: sa.Select[int], terms: Sequence[Term]) -> sa.Select[int]:
    """`query` (over products) limited to the products whose index row matches `terms`."""
    return query.join(INDEX, Product.id == -INDEX.c.rowid).where(
        _TABLE.op("MATCH")(match_expression(terms))
    )


def ranked(query: sa.Select[int] | None, terms: Sequence[Term], cap: int) -> sa.Subquery:
    """(product_id, score) of at most `cap` matches, the newest listings first, each scored;
    from the products of `query` (over products), or from the whole index when it is None.

    FTS5 walks the matches in ascending row id (newest product first) and stops after `cap`,
    so bm25 is computed for `cap` rows at most, however common the words are.
    """
    bm25 = sa.func.bm25(_TABLE, *WEIGHTS)
    score = sa.cast(-bm25 * SCORE_SCALE, sa.BigInteger).label("score")
    if query is None:
        matches = sa.select((-INDEX.c.rowid).label("product_id"), score).where(
            _TABLE.op("MATCH")(match_expression(terms))
        )
    else:
        matches = restrict(query, terms).with_only_columns(Product.id.label("product_id"), score)
    return matches.order_by(INDEX.c.rowid).limit(cap).subquery("candidates")


def delete(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    if product_ids:
        connection.execute(sa.delete(INDEX).where(INDEX.c.rowid.in_([-pid for pid in product_ids])))


def insert(connection: sa.Connection, documents: Sequence[Document]) -> None:
    if not documents:
        return
    connection.execute(
        sa.insert(INDEX),
        [
            {
                "rowid": -document.product_id,
                "names": " ".join(document.names),
                "business": " ".join(document.business),
                "materials": " ".join(document.materials),
                "body": " ".join(document.body),
            }
            # ascending row id: FTS5 flushes its pending data whenever a row id goes down
            for document in sorted(documents, key=lambda d: d.product_id, reverse=True)
        ],
    )


def _command(connection: sa.Connection, command: str, value: int | None = None) -> None:
    if value is None:
        sql = "INSERT INTO search_products(search_products) VALUES (?)"
        connection.exec_driver_sql(sql, (command,))
    else:
        sql = "INSERT INTO search_products(search_products, rank) VALUES (?, ?)"
        connection.exec_driver_sql(sql, (command, value))


def clear(connection: sa.Connection) -> None:
    """Empty the index before a bulk rebuild; merging is left for `optimize` at the end."""
    connection.execute(sa.delete(INDEX))
    _command(connection, "automerge", 0)


def optimize(connection: sa.Connection) -> None:
    """Merge the index's segments into one (after a bulk rebuild): fewer lookups per query.
    Then merge as usual again as rows come and go."""
    _command(connection, "optimize")
    _command(connection, "automerge", 4)
