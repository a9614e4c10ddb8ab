"""Which stored files the database still points at, and cleaning up the ones it does not.

Files are content-addressed and may be shared: the same photo on two products, or a logo that
is also a product photo. A file is only deleted when no row refers to it any more: after a
request's transaction, `media.transaction_files` asks `unreferenced`; `flask media-gc` collects
what no row names from `referenced_keys`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db
from marketplace.media.images import ORIGINAL, image_key, image_keys
from marketplace.media.storage import Storage
from marketplace.products.models import ProductImage

_IMAGE_KEY = re.compile(r"img/[0-9a-f]{2}/([0-9a-f]{64})-(?:orig|\d+)\.webp")


def digest_of(key: str) -> str | None:
    """The content hash an image key was named after (None for any other key)."""
    match = _IMAGE_KEY.fullmatch(key)
    return match.group(1) if match else None


def referenced_keys() -> set[str]:
    """Every key some row needs: all variants of each photo and logo, and each scan."""
    digests = set(db.session.scalars(sa.select(ProductImage.digest).distinct()))
    for logo in db.session.scalars(
        sa.select(Business.logo_key).where(Business.logo_key.is_not(None))
    ):
        digest = digest_of(logo) if logo else None
        if digest:
            digests.add(digest)
    keys = {key for digest in digests for key in image_keys(digest)}
    keys.update(
        db.session.scalars(
            sa.select(BusinessCertification.scan_key).where(
                BusinessCertification.scan_key.is_not(None)
            )
        )
    )
    return keys


def _image_in_use(reader: sa.Connection | sa.orm.Session, digest: str) -> bool:
    photo = sa.exists().where(ProductImage.digest == digest)
    logo = sa.exists().where(Business.logo_key.like(f"img/{digest[:2]}/{digest}-%"))
    return bool(reader.scalar(sa.select(sa.or_(photo, logo))))


def _key_in_use(reader: sa.Connection | sa.orm.Session, key: str) -> bool:
    scan = sa.exists().where(BusinessCertification.scan_key == key)
    logo = sa.exists().where(Business.logo_key == key)
    return bool(reader.scalar(sa.select(sa.or_(scan, logo))))


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
