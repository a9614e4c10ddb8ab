"""The search index on PostgreSQL: a table `search_products` of tsvectors with a GIN index.

The tsvector is written as a literal built from the words `text.py` produced, with positions
and a weight per field (A names, B business, C materials, D body), so PostgreSQL's parser and
text-search configurations are never involved: the words are exactly those SQLite indexes, and
folding diacritics needs no `unaccent` extension. Queries are tsquery literals of the same words,
each a prefix (`:*`) where `text.py` says so; ranking is `ts_rank` with its default weights.

The table, its GIN index and its foreign key to products (ON DELETE CASCADE) are created by
the "search index" migration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from marketplace.products.models import Product
from marketplace.search.documents import Document
from marketplace.search.text import Term

INDEX = sa.table(
    "search_products",
    sa.column("product_id", sa.Integer),
    sa.column("document", TSVECTOR),
)
FIELD_WEIGHTS = ("A", "B", "C", "D")  # names, business, materials, body
MAX_POSITION = 16383  # PostgreSQL's largest word position
MAX_POSITIONS_PER_WORD = 32  # enough for ranking; PostgreSQL keeps at most 256
SCORE_SCALE = 1_000_000  # ts_rank as a whole number, so a page cursor compares it exactly


def tsvector_literal(document: Document) -> str:
    """`'word':1A,7A 'other':2B ...`. Words are letters and digits only: nothing to escape."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for weight, field in zip(FIELD_WEIGHTS, document.fields, strict=True):
        for word in field:
            position = min(position + 1, MAX_POSITION)
            if len(positions[word]) < MAX_POSITIONS_PER_WORD:
                positions[word].append(f"{position}{weight}")
    return " ".join(f"'{word}':{','.join(marks)}" for word, marks in positions.items())


def tsquery_literal(terms: Sequence[Term]) -> str:
    return " & ".join(f"'{term.word}':*" if term.prefix else f"'{term.word}'" for term in terms)


def _query(terms: Sequence[Term]) -> sa.ColumnElement[object]:
    return sa.cast(sa.literal(tsquery_literal(terms), sa.Text), TSQUERY)


def restrict(query: sa.Select[int], terms: Sequence[Term]) -> sa.Select[int]:
    """`query` (over products) limited to the products whose index row matches `terms`."""
    return query.join(INDEX, INDEX.c.product_id == Product.id).where(
        INDEX.c.document.op("@@")(_query(terms))
    )


def ranked(query: sa.Select[int] | None, terms: Sequence[Term], cap: int) -> sa.Subquery:
    """(product_id, score) of at most `cap` matches, the newest listings first, each scored;
    from the products of `query` (over products), or from the whole index when it is None.

    The matches are capped before they are ranked: ts_rank reads every document it scores,
    and a common word matches most of the catalog. PostgreSQL picks between the GIN index
    (rare words) and walking the primary key backwards until `cap` matches (common words).
    The documents are fetched again for the capped ids only, so no sort carries them.
    """
    if query is None:
        found = sa.select(INDEX.c.product_id).where(INDEX.c.document.op("@@")(_query(terms)))
        newest_first = INDEX.c.product_id.desc()
    else:
        found = restrict(query, terms).with_only_columns(Product.id.label("product_id"))
        newest_first = Product.id.desc()
    matches = found.order_by(newest_first).limit(cap).subquery("matches")
    documents = INDEX.alias("documents")
    rank = sa.func.ts_rank(documents.c.document, _query(terms))
    return (
        sa.select(matches.c.product_id, sa.cast(rank * SCORE_SCALE, sa.BigInteger).label("score"))
        .select_from(matches.join(documents, documents.c.product_id == matches.c.product_id))
        .subquery("candidates")
    )


def delete(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    if product_ids:
        connection.execute(sa.delete(INDEX).where(INDEX.c.product_id.in_(product_ids)))


def insert(connection: sa.Connection, documents: Sequence[Document]) -> None:
    if not documents:
        return
    connection.execute(
        sa.text(
            "INSERT INTO search_products (product_id, document) "
            "VALUES (:product_id, CAST(:document AS tsvector))"
        ),
        [
            {"product_id": document.product_id, "document": tsvector_literal(document)}
            for document in documents
        ],
    )


def clear(connection: sa.Connection) -> None:
    connection.execute(sa.delete(INDEX))


def optimize(connection: sa.Connection) -> None:
    """Refresh the planner's statistics after a bulk rebuild, so it judges common words right."""
    connection.exec_driver_sql("ANALYZE search_products")
