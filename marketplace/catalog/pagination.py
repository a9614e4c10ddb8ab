"""Keyset pagination: the sort key of a listing, and the opaque cursor that marks a page.

A page is "the rows after the last row of the previous page" in (sort value, id) order, never
an OFFSET: the database seeks to the position instead of counting rows up to it, and a product
added meanwhile cannot shift the rows of the next page (no duplicates, no gaps).

The cursor carries the last row's sort value and id, and the sort it belongs to. It is signed
with the application's secret: a cursor that was tampered with, or that belongs to another sort
order or another search, is not an error, the reader simply gets the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import QueryableAttribute

KeyValue = int | datetime
Column = sa.ColumnElement[Any] | QueryableAttribute[Any]
_SALT = "catalog.cursor"


@dataclass(frozen=True)
class Sort:
    """A sort key that is never NULL, and the product id as tie-break in the same direction
    (`tiebreak` is the product id column of the table whose index serves the order)."""

    key: Column
    tiebreak: Column
    descending: bool
    kind: Literal["int", "datetime"]

    def order_by(self) -> list[sa.ColumnElement[Any]]:
        if self.descending:
            return [self.key.desc(), self.tiebreak.desc()]
        return [self.key.asc(), self.tiebreak.asc()]


def keyset_after(sort: Sort, after: tuple[KeyValue, int]) -> sa.ColumnElement[bool]:
    """The rows that come after (value, id) in `sort` order, as one row-value comparison,
    which PostgreSQL answers with a range seek on an index over (key, id)."""
    row = sa.tuple_(sort.key, sort.tiebreak)  # a plain tuple on the right binds with their types
    return row < after if sort.descending else row > after


def keyset_parts(sort: Sort, after: tuple[KeyValue, int]) -> list[sa.ColumnElement[bool]]:
    """The same rows as `keyset_after`, as two disjoint conditions that SQLite answers with a
    range seek each: the rows that tie on the value and come after by id, and the rows beyond
    the value."""
    value, last_id = after
    if sort.descending:
        return [sa.and_(sort.key == value, sort.tiebreak < last_id), sort.key < value]
    return [sa.and_(sort.key == value, sort.tiebreak > last_id), sort.key > value]


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


@lru_cache(maxsize=4096)
def encode_cursor(secret: str, scope: str, value: KeyValue, last_id: int) -> str:
    """`scope` names the order the cursor belongs to (a sort, or a search and its words). The
    same row gives the same cursor: a page's next link is signed once per process."""
    plain = value.isoformat() if isinstance(value, datetime) else value
    return str(_serializer(secret).dumps([scope, plain, last_id]))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def decode_cursor(
    secret: str,
    scope: str,
    token: str | None,
    *,
    kind: Literal["int", "datetime"] = "int",
) -> tuple[KeyValue, int] | None:
    """(value, id) from a cursor of this scope, or None (first page) for anything else."""
    if not token:
        return None
    try:
        payload = _serializer(secret).loads(token)
    except (BadData, ValueError, UnicodeError):
        return None
    if not (isinstance(payload, list) and len(payload) == 3 and payload[0] == scope):
        return None
    _, raw, last_id = payload
    if not _is_int(last_id):
        return None
    if kind == "int":
        return (raw, last_id) if _is_int(raw) else None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment, last_id
