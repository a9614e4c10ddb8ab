"""The search index's table on PostgreSQL, and the terms searched as its queries and its
vocabulary's patterns: what the engine (`postgres_fts`) and its ways of finding several words
(`postgres_several`) both write."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from marketplace.search.text import Term

INDEX = sa.table(
    "search_products",
    sa.column("product_id", sa.Integer),
    sa.column("document", TSVECTOR),
)


def tsquery_literal(terms: Sequence[Term]) -> str:
    return " & ".join(f"'{term.word}':*" if term.prefix else f"'{term.word}'" for term in terms)


def tsquery(terms: Sequence[Term]) -> sa.ColumnElement[object]:
    return sa.cast(sa.literal(tsquery_literal(terms), sa.Text), TSQUERY)


def contains_pattern(text: str) -> str:
    """A LIKE pattern for `text` anywhere (the words hold letters and digits only; the escape
    is for safety)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def like_pattern(piece: str) -> str:
    """The LIKE pattern of a lookup's piece: a space before it anchors it at the start of the
    word, a space after it at the end."""
    core = contains_pattern(piece.strip())[1:-1]
    return ("" if piece.startswith(" ") else "%") + core + ("" if piece.endswith(" ") else "%")
