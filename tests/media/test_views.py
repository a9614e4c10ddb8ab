"""Serving stored photos (/media/<key>) and collecting orphaned files (`flask media-gc`), from
the local disk and from the object store alike (`media_backend`)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from marketplace.db import db
from marketplace.media.backend import current_storage
from marketplace.media.images import image_keys, store_image
from marketplace.products.models import ProductImage
from tests.businesses.helpers import fetch, media_files
from tests.factories import make_business, make_certification, make_product
from tests.products.images import jpeg

pytestmark = pytest.mark.usefixtures("storefront", "media_backend")


def stored(app: Flask, seed: int) -> Any:
    with app.app_context():
        return store_image(current_storage(), jpeg(seed=seed))


def test_photo_is_served_with_long_lived_cache_headers(app: Flask, client: Any) -> None:
    processed = stored(app, 1)
    key = processed.key_for(800)
    status, headers, body = fetch(client, f"/media/{key}")
    assert status == 200
    assert headers["Content-Type"] == "image/webp"
    cache = {part.strip() for part in headers["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cache
    with app.app_context():
        assert body == current_storage().open(key)
    assert headers["Content-Length"] == str(len(body))
    assert not headers["ETag"].startswith("W/")  # strong: the same bytes, byte for byte
    with client.get(f"/media/{key}", headers={"If-None-Match": headers["ETag"]}) as response:
        assert response.status_code == 304


@pytest.mark.parametrize(
    "key",
    [
        "img/00/" + "0" * 64 + "-800.webp",  # well formed, not stored
        "../secret_key",
        "img/../../secret_key",
        "scans/ab/" + "a" * 64 + ".pdf",
        ".hidden",
        "img//x.webp",
    ],
)
def test_unknown_unsafe_or_private_keys_are_404(app: Flask, client: Any, key: str) -> None:
    with app.app_context():
        current_storage().save("scans/ab/" + "a" * 64 + ".pdf", b"%PDF-1.4 private %%EOF")
    assert client.get(f"/media/{key}").status_code == 404


def gc_of_old_files(app: Flask, media_backend: str) -> list[str]:
    """The arguments of a `media-gc` that finds every stored file old enough to judge: on the
    disk, the files are made two hours old; an object's time cannot be set, so none is spared."""
    if media_backend == "s3":
        return ["media-gc", "--min-age", "0"]
    then = time.time() - 120 * 60
    for key in media_files(app):
        os.utime(Path(app.config["MEDIA_ROOT"], key), (then, then))
    return ["media-gc"]


def test_media_gc_removes_orphans_and_keeps_what_rows_use(app: Flask, media_backend: str) -> None:
    photo, logo, orphan = stored(app, 1), stored(app, 2), stored(app, 3)
    scan_key = "scans/5c/" + "5" * 64 + ".pdf"
    with app.app_context():
        current_storage().save(scan_key, b"%PDF-1.4 %%EOF")
        current_storage().save("scans/00/" + "0" * 64 + ".pdf", b"%PDF-1.4 orphan %%EOF")
        business = make_business(logo_key=logo.key_for(320))
        make_certification(business, scan_key=scan_key, scan_content_type="application/pdf")
        product = make_product(business, photos=0)
        product.images.append(ProductImage(digest=photo.digest, width=1200, height=900))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=gc_of_old_files(app, media_backend))
    assert result.exit_code == 0, result.output
    assert "Removed 4 orphaned file(s)" in result.output
    names = set(media_files(app))
    assert set(image_keys(photo.digest)[:3]) <= names
    assert set(image_keys(logo.digest)[:3]) <= names  # every variant of a logo stays
    assert scan_key in names
    assert not any(orphan.digest in name for name in names)
    assert len(names) == 7


def test_media_gc_spares_young_files_and_can_dry_run(app: Flask) -> None:
    orphan = stored(app, 4)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["media-gc"])
    assert "Removed 0 orphaned file(s); kept 3 younger than 60 min." in result.output
    result = runner.invoke(args=["media-gc", "--min-age", "0", "--dry-run"])
    assert f"would remove {orphan.key_for(320)}" in result.output
    assert len(media_files(app)) == 3
    result = runner.invoke(args=["media-gc", "--min-age", "0"])
    assert "Removed 3 orphaned file(s)" in result.output
    assert media_files(app) == []
