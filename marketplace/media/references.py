"""Which stored files the database still points at, and cleaning up the ones it does not.

Files are content-addressed and may be shared: the same photo on two products, or a logo that
is also a product photo. A file is only deleted when no row refers to it any more: after a
request's transaction, `media.transaction_files` asks `unreferenced`; `flask media-gc` collects
what no row names from `referenced_keys`. The features that keep files in their rows declare
those columns with `track` when the app is built, so media imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from marketplace.db import db
from marketplace.media.images import ORIGINAL, image_key, image_keys
from marketplace.media.storage import Storage

Column = InstrumentedAttribute[Any]  # a mapped column holding a digest or a storage key

_IMAGE_KEY = re.compile(r"img/[0-9a-f]{2}/([0-9a-f]{64})-(?:orig|\d+)\.webp")


@dataclass
class _Columns:
    """The columns that name stored files, declared by the features that own them."""

    digests: list[Column] = field(default_factory=list)
    image_keys: list[Column] = field(default_factory=list)
    file_keys: list[Column] = field(default_factory=list)


_columns = _Columns()


def track(
    *,
    digests: Iterable[Column] = (),
    image_keys: Iterable[Column] = (),
    file_keys: Iterable[Column] = (),
) -> None:
    """Declare columns that name stored files (when the app is built; idempotent): `digests`
    hold an image's content hash (a photo), `image_keys` the key of one of an image's variants
    (a logo), `file_keys` the key of any other file (a scan)."""
    for known, new in (
        (_columns.digests, digests),
        (_columns.image_keys, image_keys),
        (_columns.file_keys, file_keys),
    ):
        known.extend(column for column in new if column not in known)


def digest_of(key: str) -> str | None:
    """The content hash an image key was named after (None for any other key)."""
    match = _IMAGE_KEY.fullmatch(key)
    return match.group(1) if match else None


def referenced_keys() -> set[str]:
    """Every key some row needs: all variants of each photo and logo, and each other file."""
    digests: set[str] = set()
    for column in _columns.digests:
        digests.update(db.session.scalars(sa.select(column).distinct()))
    for column in _columns.image_keys:
        for key in db.session.scalars(sa.select(column).where(column.is_not(None)).distinct()):
            digest = digest_of(key) if key else None
            if digest:
                digests.add(digest)
    keys = {key for digest in digests for key in image_keys(digest)}
    for column in _columns.file_keys:
        keys.update(
            key
            for key in db.session.scalars(sa.select(column).where(column.is_not(None)).distinct())
            if key
        )
    return keys


def _any(conditions: Sequence[sa.Exists]) -> sa.ColumnElement[bool]:
    return sa.or_(sa.false(), *conditions)


def _image_in_use(reader: sa.Connection | sa.orm.Session, digest: str) -> bool:
    uses = [sa.exists().where(column == digest) for column in _columns.digests]
    uses += [
        sa.exists().where(column.like(f"img/{digest[:2]}/{digest}-%"))
        for column in _columns.image_keys
    ]
    return bool(reader.scalar(sa.select(_any(uses))))


def _key_in_use(reader: sa.Connection | sa.orm.Session, key: str) -> bool:
    uses = [sa.exists().where(column == key) for column in _columns.file_keys + _columns.image_keys]
    return bool(reader.scalar(sa.select(_any(uses))))


def unreferenced(reader: sa.Connection | sa.orm.Session, keys: Iterable[str]) -> list[str]:
    """The files among `keys` that no row, as `reader` sees the rows, needs any more.

    An image key stands for its photo: all the variants of its digest are returned, or none,
    and they are kept while any photo or logo uses that digest. Any other key (a certificate's
    scan) is kept while a row names it."""
    digests: set[str] = set()
    others: set[str] = set()
    for key in keys:
        digest = digest_of(key)
        if digest:
            digests.add(digest)
        else:
            others.add(key)
    doomed = [
        key
        for digest in sorted(digests)
        if not _image_in_use(reader, digest)
        for key in image_keys(digest)
    ]
    doomed.extend(key for key in sorted(others) if not _key_in_use(reader, key))
    return doomed


def discard_unreferenced(
    storage: Storage, digests: Iterable[str] = (), scan_keys: Iterable[str] = ()
) -> int:
    """Delete the files of `digests` and `scan_keys` that no row of the session's transaction
    uses. Returns how many files were deleted. (Requests do not call this: the files of a
    request's transaction are settled by `media.transaction_files`.)"""
    keys = [*(image_key(digest, ORIGINAL) for digest in digests), *scan_keys]
    deleted = 0
    for key in unreferenced(db.session(), keys):
        if storage.exists(key):
            storage.delete(key)
            deleted += 1
    return deleted
