"""The app with its media in the object store: what a browser gets is what it gets from the
disk (the same headers for a photo uploaded through the app, a private scan never kept), and
a store that does not answer is a 503 for the file and a host that is not ready."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessCertification, BusinessStatus
from marketplace.db import db
from marketplace.media.backend import current_storage
from marketplace.products.models import ProductStatus
from tests.businesses.helpers import commit_and_detach, fetch, media_bytes, media_files
from tests.businesses.test_views import certification_form, owner_of
from tests.conftest import empty_media
from tests.factories import make_business, make_product
from tests.media.pdfs import plain_pdf
from tests.objectstore import ObjectStore
from tests.products.images import jpeg
from tests.products.test_photos import upload

pytestmark = pytest.mark.usefixtures("storefront")


@pytest.fixture
def use(app: Flask, object_store: ObjectStore, bucket: str) -> Iterator[Callable[[str], None]]:
    """`use("s3")` and `use("local")` move the app's media to the object store and back;
    both are emptied, and the settings put back, when the test ends."""
    before = {name: app.config[name] for name in app.config if name.startswith("MEDIA_S3_")}

    def to(backend: str) -> None:
        if backend == "s3":
            app.config.update(object_store.settings(bucket))
        else:
            app.config["MEDIA_S3_BUCKET"] = ""
        empty_media(app)

    yield to
    for backend in ("local", "s3"):
        to(backend)
    app.config.update(before)


@pytest.fixture
def owner_product(app: Flask, login_as: Any) -> tuple[FlaskClient, int]:
    """A signed-in owner and a draft product of theirs without photos."""
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.DRAFT, photos=0)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    return login_as(owner), product_id


def photo_answers(
    app: Flask, client: FlaskClient, owner: FlaskClient, product_id: int, seed: int
) -> tuple[str, dict[str, str], bytes, int]:
    """Upload a photo through the owner's form, then GET its 800 px file as a visitor: the
    key, the headers, the body, and the status of the same GET with the ETag it gave."""
    upload(owner, product_id, (jpeg(seed=seed), f"photo-{seed}.jpg"))
    [key] = [key for key in media_files(app) if key.endswith("-800.webp")]
    status, headers, body = fetch(client, f"/media/{key}")
    assert status == 200
    assert body == media_bytes(app, key)
    with client.get(f"/media/{key}", headers={"If-None-Match": headers["ETag"]}) as again:
        return key, headers, body, again.status_code


def test_a_photo_uploaded_through_the_app_is_served_from_the_store_as_from_disk(
    app: Flask, client: FlaskClient, owner_product: Any, use: Callable[[str], None]
) -> None:
    owner, product_id = owner_product
    use("local")
    _, disk, disk_body, disk_revalidated = photo_answers(app, client, owner, product_id, 21)
    use("s3")
    key, store, store_body, store_revalidated = photo_answers(app, client, owner, product_id, 22)

    assert not Path(app.config["MEDIA_ROOT"], key).exists()  # in the bucket, not on the disk
    assert store["Cache-Control"] == disk["Cache-Control"]
    assert {part.strip() for part in store["Cache-Control"].split(",")} == {
        "public",
        "max-age=31536000",
        "immutable",
    }
    assert store["Content-Type"] == disk["Content-Type"] == "image/webp"
    assert store["Content-Length"] == str(len(store_body))
    assert disk["Content-Length"] == str(len(disk_body))
    assert not store["ETag"].startswith("W/") and not disk["ETag"].startswith("W/")
    assert store_revalidated == disk_revalidated == 304
    assert set(disk) - set(store) <= {"Last-Modified"}  # a file's time: only the disk has one


def test_a_scan_in_the_store_stays_private(
    app: Flask, client: FlaskClient, login_as: Any, use: Callable[[str], None]
) -> None:
    use("s3")
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    owner = login_as(user)
    pdf = plain_pdf()
    response = certification_form(owner, "/my/business/certifications/new", (pdf, "halal.pdf"))
    assert response.status_code == 302
    with app.app_context():
        certification = db.session.scalars(sa.select(BusinessCertification)).one()
        key, cert_id = certification.scan_key, certification.id
    assert key is not None and media_files(app) == [key]
    status, headers, body = fetch(owner, f"/my/business/certifications/{cert_id}/scan")
    assert status == 200 and body == media_bytes(app, key)
    cache = {part.strip() for part in headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache and "public" not in cache
    assert headers["Content-Disposition"].startswith("attachment")
    assert headers["Content-Length"] == str(len(body))
    assert client.get(f"/media/{key}").status_code == 404


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_store_that_does_not_answer_is_a_503_and_a_host_not_ready(
    app: Flask, client: FlaskClient, use: Callable[[str], None]
) -> None:
    use("s3")
    app.config["MEDIA_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{_closed_port()}"
    assert client.get("/media/img/00/" + "0" * 64 + "-800.webp").status_code == 503
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["storage"] == "unreachable"


def test_a_store_that_answers_is_ready(client: FlaskClient, use: Callable[[str], None]) -> None:
    use("s3")
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["storage"] == "ok"


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_readiness_checks_leave_nothing_in_the_store(
    app: Flask, client: FlaskClient, use: Callable[[str], None], backend: str
) -> None:
    """A load balancer asks every few seconds: no probe file or object is left behind (and the
    bucket, which may keep versions, is not written at all)."""
    use(backend)
    with app.app_context():
        before = set(current_storage().entries())
    for _ in range(3):
        assert client.get("/readyz").get_json()["storage"] == "ok"
    with app.app_context():
        assert set(current_storage().entries()) == before
