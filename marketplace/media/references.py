"""Which stored files the database still points at, and cleaning up the ones it does not.

Files are content-addressed and may be shared: the same photo on two products, or a logo that
is also a product photo. A file is only deleted when no row refers to it any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db
from marketplace.media.images import image_keys
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


def _image_in_use(digest: str) -> bool:
    photo = sa.exists().where(ProductImage.digest == digest)
    logo = sa.exists().where(Business.logo_key.like(f"img/{digest[:2]}/{digest}-%"))
    return bool(db.session.scalar(sa.select(sa.or_(photo, logo))))


def _scan_in_use(key: str) -> bool:
    return bool(
        db.session.scalar(sa.select(sa.exists().where(BusinessCertification.scan_key == key)))
    )


def discard_unreferenced(
    storage: Storage, digests: Iterable[str] = (), scan_keys: Iterable[str] = ()
) -> int:
    """Delete the files of `digests` and `scan_keys` that no committed row uses; call it after
    the commit (or the rollback) that dropped them. Returns how many files were deleted."""
    deleted = 0
    for digest in set(digests):
        if not _image_in_use(digest):
            for key in image_keys(digest):
                if storage.exists(key):
                    storage.delete(key)
                    deleted += 1
    for key in set(scan_keys):
        if not _scan_in_use(key) and storage.exists(key):
            storage.delete(key)
            deleted += 1
    return deleted
