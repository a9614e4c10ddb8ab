"""Keeping an uploaded sheet for its preview, and importing it once.

The import checks every row again (the owner's products may have changed since the preview)
and saves each new or changed row in a savepoint of its own, through the product services: a
row is saved whole or not at all, and the rows that pass are saved together with the upload's
change to "imported", in one transaction. A row's draft carries a submission key made of the
upload and the row, so not even a second import of the same upload could add it twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.products.services import ProductError, create_product, update_product
from marketplace.sheets.checking import RowKind, check_rows
from marketplace.sheets.models import SheetUpload, UploadStatus
from marketplace.sheets.reading import Sheet

EXPIRES_AFTER = timedelta(days=1)
MAX_FILENAME = 255


class UploadError(ServiceError):
    """The upload cannot be imported (any more)."""


class AlreadyImported(UploadError):
    """The upload was imported before: nothing is imported again."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    # Rows that passed the check but not the save (the products changed meanwhile).
    failed: list[tuple[int, str]] = field(default_factory=list)


def is_expired(upload: SheetUpload) -> bool:
    return upload.created_at < utcnow() - EXPIRES_AFTER


def remove_expired() -> int:
    result = db.session.execute(
        sa.delete(SheetUpload).where(SheetUpload.created_at < utcnow() - EXPIRES_AFTER)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def keep_upload(business: Business, owner: User, filename: str, sheet: Sheet) -> SheetUpload:
    """The sheet kept for its preview, under a token nobody can guess."""
    remove_expired()
    upload = SheetUpload(
        token=secrets.token_urlsafe(32),
        user_id=owner.id,
        business_id=business.id,
        filename=filename[:MAX_FILENAME],
        columns=list(sheet.columns),
        ignored=list(sheet.ignored),
        rows=[[number, values] for number, values in sheet.rows],
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def import_upload(upload: SheetUpload, actor: User) -> ImportResult:
    lock(upload)  # two confirmations at once: the second waits, then finds it imported
    if upload.status == UploadStatus.IMPORTED:
        raise AlreadyImported(_l("This file is imported already."))
    if is_expired(upload):
        raise UploadError(_l("This upload has expired. Please upload the file again."))
    business = upload.business
    result = ImportResult()
    for check in check_rows(business, upload.row_items()):
        if check.kind not in (RowKind.NEW, RowKind.CHANGE) or check.data is None:
            continue
        try:
            with db.session.begin_nested():
                if check.product is None:
                    key = f"sheet-{upload.id}-{check.number}"
                    create_product(business, actor, check.data, submission_key=key)
                    result.created += 1
                else:
                    update_product(check.product, actor, check.data)
                    result.updated += 1
        except ProductError as error:
            result.failed.append((check.number, str(error.message)))
    upload.status = UploadStatus.IMPORTED
    upload.imported_at = utcnow()
    upload.created_count, upload.updated_count = result.created, result.updated
    db.session.flush()
    return result
