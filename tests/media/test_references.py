"""Cleaning up after a rollback: files no committed row uses are deleted, shared ones stay."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.db import db
from marketplace.media.backend import current_storage
from marketplace.media.images import image_keys, store_image
from marketplace.media.references import digest_of, discard_unreferenced, referenced_keys
from marketplace.products.models import ProductImage
from tests.businesses.helpers import media_files
from tests.factories import make_business, make_product
from tests.products.images import jpeg

pytestmark = pytest.mark.usefixtures("storefront")


def test_files_of_a_rolled_back_upload_are_removed(ctx: Flask) -> None:
    storage = current_storage()
    product = make_product(make_business(), photos=0)
    processed = store_image(storage, jpeg(seed=70))
    product.images.append(ProductImage(digest=processed.digest, width=1200, height=900))
    db.session.flush()
    db.session.rollback()  # the transaction that would have kept the photo never commits
    assert discard_unreferenced(storage, [processed.digest]) == 3
    assert media_files(ctx) == []


def test_files_still_used_by_a_photo_or_a_logo_are_kept(ctx: Flask) -> None:
    storage = current_storage()
    photo, logo = store_image(storage, jpeg(seed=71)), store_image(storage, jpeg(seed=72))
    business = make_business(logo_key=logo.key_for(320))
    product = make_product(business, photos=0)
    product.images.append(ProductImage(digest=photo.digest, width=1200, height=900))
    db.session.commit()
    assert discard_unreferenced(storage, [photo.digest, logo.digest]) == 0
    assert len(media_files(ctx)) == 6
    assert set(image_keys(photo.digest)) | set(image_keys(logo.digest)) <= referenced_keys()


def test_digest_of_reads_only_image_keys() -> None:
    digest = "ab" * 32
    assert digest_of(f"img/ab/{digest}-800.webp") == digest
    assert digest_of(f"img/ab/{digest}-orig.webp") == digest
    assert digest_of(f"scans/ab/{digest}.pdf") is None
