"""Stored files follow the transaction that stores or drops them (`media.transaction_files`).

Through real requests: a transaction that fails takes back the files it stored; one that commits
deletes the files it let go and keeps the new ones; nothing is deleted before the commit; a file
that cannot be deleted never fails the request. The database refuses rows with a trigger, as a
failing disk would; the moment of each commit is seen through SQLAlchemy's engine events.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import Business, BusinessCertification, BusinessStatus
from marketplace.db import db, write_now
from marketplace.media.backend import current_storage
from marketplace.media.images import image_keys, store_image
from marketplace.media.transaction_files import discard_after_commit, track_new_files
from marketplace.products.models import Product, ProductImage, ProductStatus
from tests.businesses.helpers import commit_and_detach, media_files, post_files
from tests.businesses.test_views import PROFILE, owner_of
from tests.conftest import post_form
from tests.factories import make_business, make_product
from tests.interests.test_reading import _writes_refused
from tests.products.images import jpeg
from tests.products.test_races import _owner_with_product, _photo_count

# Real commits: files are settled after a real commit, against committed rows.
pytestmark = [pytest.mark.committing, pytest.mark.usefixtures("storefront")]

SCAN = "scans/ab/" + "ab" * 32 + ".pdf"


def stored(app: Flask, key: str) -> bool:
    return key in media_files(app)


def upload_photo(client: FlaskClient, product_id: int, data: bytes) -> Any:
    url = f"/my/products/{product_id}/photos"
    return post_files(client, url, files={"photos": [(data, "photo.jpg")]}, page=url)


def only_photo(app: Flask, product_id: int) -> ProductImage:
    with app.app_context():
        image = db.session.scalars(
            sa.select(ProductImage).where(ProductImage.product_id == product_id)
        ).one()
        db.session.expunge(image)
        return image


@pytest.fixture
def commits(app: Flask) -> Iterator[list[set[str]]]:
    """The media files present at each database COMMIT while the test runs."""
    seen: list[set[str]] = []

    def record(_connection: Any) -> None:
        seen.append(set(media_files(app)))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "commit", record)
    yield seen
    sa.event.remove(engine, "commit", record)


# A transaction that does not commit takes back what it stored.


def test_a_failed_upload_leaves_no_file(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    with _writes_refused(app, "product_images"):
        response = upload_photo(client, product_id, jpeg(seed=30))
    assert response.status_code == 500
    assert _photo_count(app, product_id) == 0
    assert media_files(app) == []


def test_a_failed_upload_keeps_the_files_another_product_uses(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    data = jpeg(seed=31)
    with app.app_context():
        shared = store_image(current_storage(), data)
        other = make_product(make_business(), name="Other", photos=0)
        other.images.append(ProductImage(digest=shared.digest, width=1200, height=900))
        db.session.commit()
    files = media_files(app)
    with _writes_refused(app, "product_images"):
        assert upload_photo(client, product_id, data).status_code == 500
    assert media_files(app) == files


def test_a_refused_profile_change_keeps_the_old_logo_and_drops_the_new(
    app: Flask, login_as: Any
) -> None:
    user, _ = owner_of(app, status=BusinessStatus.DRAFT)
    client = login_as(user)
    post_files(client, "/my/business/edit", PROFILE, {"logo": [(jpeg(seed=32), "a.jpg")]})
    old = set(media_files(app))
    with app.app_context():
        taken = make_business(name="Another batik", nib="9120001234599")
        commit_and_detach(taken)
    changed = {**PROFILE, "nib": "9120001234599"}
    response = post_files(client, "/my/business/edit", changed, {"logo": [(jpeg(seed=33), "b")]})
    assert response.status_code == 200  # the form again, with the refusal on it
    assert set(media_files(app)) == old
    with app.app_context():
        logo = db.session.scalar(sa.select(Business.logo_key).where(Business.owner_id == user.id))
    assert logo is not None and logo in old


def test_a_failed_certification_leaves_no_scan(app: Flask, login_as: Any) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    client = login_as(user)
    fields = {"certification_code": "halal", "number": "ID-1", "expires_on": "2028-08-31"}
    url = "/my/business/certifications/new"
    with _writes_refused(app, "business_certifications"):
        response = post_files(client, url, fields, {"scan": [(jpeg(seed=34), "scan.jpg")]})
    assert response.status_code == 500
    assert media_files(app) == []


# A transaction that commits deletes what it let go, after the commit, and keeps the new.


def test_replacing_a_logo_deletes_the_old_files_only_after_the_commit(
    app: Flask, login_as: Any, commits: list[set[str]]
) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    client = login_as(user)
    post_files(client, "/my/business/edit", PROFILE, {"logo": [(jpeg(seed=35), "a.jpg")]})
    old = set(media_files(app))
    commits.clear()
    response = post_files(client, "/my/business/edit", PROFILE, {"logo": [(jpeg(seed=36), "b")]})
    assert response.status_code == 302
    assert commits and all(old <= present for present in commits)
    new = set(media_files(app))
    assert new and not new & old
    with app.app_context():
        logo = db.session.scalar(sa.select(Business.logo_key).where(Business.owner_id == user.id))
    assert logo is not None and logo in new


def test_deleting_a_photo_deletes_its_files_only_after_the_commit(
    app: Flask, login_as: Any, commits: list[set[str]]
) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    upload_photo(client, product_id, jpeg(seed=37))
    image = only_photo(app, product_id)
    files = set(media_files(app))
    page = f"/my/products/{product_id}/photos"
    commits.clear()
    assert post_form(client, f"{page}/{image.id}/delete", page=page).status_code == 302
    assert commits and all(files <= present for present in commits)
    assert _photo_count(app, product_id) == 0
    assert media_files(app) == []


def test_a_refused_delete_keeps_the_photo_and_its_files(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    upload_photo(client, product_id, jpeg(seed=38))
    image = only_photo(app, product_id)
    files = media_files(app)
    with app.app_context():
        db.session.execute(
            sa.update(Product).where(Product.id == product_id).values(status=ProductStatus.ARCHIVED)
        )
        db.session.commit()
    page = f"/my/products/{product_id}/photos"
    response = post_form(client, f"{page}/{image.id}/delete", page=page, follow_redirects=True)
    assert response.status_code == 200
    assert _photo_count(app, product_id) == 1
    assert media_files(app) == files


@pytest.mark.usefixtures("local_media")  # a directory in a file's place: the disk's failure
def test_a_file_that_cannot_be_deleted_never_fails_the_request(
    app: Flask, login_as: Any, caplog: pytest.LogCaptureFixture
) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    upload_photo(client, product_id, jpeg((2000, 1500), seed=39))
    image = only_photo(app, product_id)
    stuck = Path(app.config["MEDIA_ROOT"], *image_keys(image.digest)[0].split("/"))
    stuck.unlink()
    stuck.mkdir()  # the storage cannot delete a directory in the file's place
    page = f"/my/products/{product_id}/photos"
    with caplog.at_level(logging.ERROR):
        response = post_form(client, f"{page}/{image.id}/delete", page=page, follow_redirects=True)
    assert response.status_code == 200
    assert "The photo is deleted." in response.get_data(as_text=True)
    assert _photo_count(app, product_id) == 0
    assert f"Could not delete the stored file {image_keys(image.digest)[0]}" in caplog.text
    assert media_files(app) == []  # the other variants are gone
    stuck.rmdir()


# The rule on the session itself.


def test_the_commit_that_ends_a_read_decides_nothing(ctx: Flask) -> None:
    current_storage().save(SCAN, b"%PDF-1.4 %%EOF")
    db.session.scalar(sa.select(sa.func.count(Business.id)))  # a read transaction is open
    track_new_files(SCAN)
    write_now()  # commits the read: the stored scan belongs to the write that follows
    assert stored(ctx, SCAN)
    db.session.rollback()
    assert not stored(ctx, SCAN)


def test_a_file_let_go_stays_until_the_commit(ctx: Flask) -> None:
    business = make_business()
    certification = BusinessCertification(
        business=business, certification_code="halal", number="ID-2", scan_key=SCAN
    )
    db.session.add(certification)
    db.session.commit()
    current_storage().save(SCAN, b"%PDF-1.4 %%EOF")
    db.session.delete(certification)
    discard_after_commit(SCAN)
    db.session.flush()
    assert stored(ctx, SCAN)
    db.session.rollback()  # the row is back: so is the need for its file
    assert stored(ctx, SCAN)
    db.session.delete(db.session.get_one(BusinessCertification, certification.id))
    discard_after_commit(SCAN)
    db.session.commit()
    assert not stored(ctx, SCAN)


def test_a_savepoint_decides_nothing_and_a_closed_session_keeps_nothing(ctx: Flask) -> None:
    current_storage().save(SCAN, b"%PDF-1.4 %%EOF")
    db.session.scalar(sa.select(sa.func.count(Business.id)))
    savepoint = db.session.begin_nested()
    track_new_files(SCAN)
    savepoint.rollback()
    assert stored(ctx, SCAN)
    db.session.remove()  # ended without a commit, as after an unexpected error
    assert not stored(ctx, SCAN)
