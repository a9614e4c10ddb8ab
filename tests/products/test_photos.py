"""Product photos through the real upload form: what is accepted, what is refused, and that a
refusal leaves nothing behind on disk or in the database. Files are real, made with Pillow."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from marketplace.db import db
from marketplace.media.images import image_keys
from marketplace.products.models import Product, ProductImage, ProductStatus
from tests.businesses.helpers import (
    commit_and_detach,
    fetch,
    media_bytes,
    media_files,
    post_files,
)
from tests.conftest import post_form
from tests.factories import make_business, make_product
from tests.products.images import (
    GPS_IFD,
    cmyk_jpeg,
    eleven_megabytes,
    jpeg,
    jpeg_with_gps,
    png_50_megapixels,
    png_with_alpha,
    text_file,
    truncated_jpeg,
)


@pytest.fixture
def owner_product(app: Flask, login_as: Any) -> tuple[FlaskClient, int]:
    """A logged-in owner and a draft product of theirs without photos."""
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.DRAFT, photos=0)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    return login_as(owner), product_id


def upload(client: FlaskClient, product_id: int, *files: tuple[bytes, str]) -> str:
    url = f"/my/products/{product_id}/photos"
    response = post_files(client, url, files={"photos": list(files)}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def photos_of(app: Flask, product_id: int) -> list[ProductImage]:
    with app.app_context():
        images = db.session.scalars(
            sa.select(ProductImage)
            .where(ProductImage.product_id == product_id)
            .order_by(ProductImage.position)
        ).all()
        db.session.expunge_all()
        return list(images)


def stored_image(app: Flask, key: str) -> Image.Image:
    return Image.open(io.BytesIO(media_bytes(app, key)))


def test_several_photos_upload_at_once(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    html = upload(client, product_id, (jpeg(seed=1), "front.jpg"), (jpeg(seed=2), "back.jpg"))
    assert "2 photos added." in html
    images = photos_of(app, product_id)
    assert [(i.position, i.width, i.height) for i in images] == [(0, 1200, 900), (1, 1200, 900)]
    stored = set(media_files(app))
    expected = {key for i in images for key in image_keys(i.digest)[:3]}  # orig, 320, 800
    assert stored == expected
    page = client.get(f"/my/products/{product_id}/photos").get_data(as_text=True)
    assert 'accept="image/jpeg,image/png,image/webp"' in page and "multiple" in page
    assert "Cover photo" in page and 'width="320" height="240"' in page


def test_gps_exif_is_gone_from_every_stored_and_served_file(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload has GPS
    upload(client, product_id, (original, "IMG_2041.jpg"))
    [image] = photos_of(app, product_id)
    keys = [key for key in image_keys(image.digest) if (stored_image_exists(app, key))]
    assert len(keys) == 4  # 2400 x 1800: the original and the 320, 800 and 1600 variants
    for key in keys:
        stored = stored_image(app, key)
        assert stored.format == "WEBP"
        assert not stored.getexif() and "exif" not in stored.info and "xmp" not in stored.info
        status, headers, body = fetch(client, f"/media/{key}")
        assert status == 200
        assert headers["Content-Type"] == "image/webp"
        assert "immutable" in headers["Cache-Control"]
        assert b"Exif" not in body and b"PhoneModel" not in body


def stored_image_exists(app: Flask, key: str) -> bool:
    return key in media_files(app)


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (png_50_megapixels, "poster.png", "This image has more than 40 megapixels."),
        (text_file, "notes.jpg", "This file is not a JPEG, PNG or WebP image."),
        (truncated_jpeg, "cut.jpg", "This image file is damaged or incomplete."),
        (eleven_megabytes, "huge.jpg", "This file is larger than 10 MB."),
    ],
)
def test_refused_uploads_leave_nothing_behind(
    app: Flask, owner_product: Any, make: Any, name: str, message: str
) -> None:
    client, product_id = owner_product
    html = upload(client, product_id, (make(), name))
    assert f"{name} was not added: {message}" in html
    assert media_files(app) == []
    assert photos_of(app, product_id) == []


def test_a_refused_file_does_not_stop_the_others(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    html = upload(client, product_id, (text_file(), "a.jpg"), (jpeg(seed=4), "b.jpg"))
    assert "a.jpg was not added" in html and "1 photo added." in html
    assert len(photos_of(app, product_id)) == 1


def test_png_with_alpha_keeps_its_transparency(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    upload(client, product_id, (png_with_alpha(), "logo.png"))
    [image] = photos_of(app, product_id)
    stored = stored_image(app, image_keys(image.digest)[0])
    assert stored.mode == "RGBA"
    assert stored.getpixel((10, 10))[3] == 0  # transparent half
    red, green, blue, alpha = stored.getpixel((800, 300))
    assert alpha == 255 and red > 180 and green < 60 and blue < 60


def test_cmyk_jpeg_comes_out_in_the_right_colours(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    upload(client, product_id, (cmyk_jpeg(), "print.jpg"))
    [image] = photos_of(app, product_id)
    stored = stored_image(app, image_keys(image.digest)[0])
    assert stored.mode == "RGB"
    red, green, blue = stored.getpixel((450, 300))
    assert red > 220 and green < 40 and blue < 40


def test_ninth_photo_is_refused_before_anything_is_stored(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.DRAFT, photos=8)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    client = login_as(owner)
    html = upload(client, product_id, (jpeg(seed=11), "ninth.jpg"))
    assert "A product can have at most 8 photos; you can add 0 more." in html
    assert media_files(app) == []
    assert len(photos_of(app, product_id)) == 8
    assert "Add photos" not in client.get(f"/my/products/{product_id}/photos").get_data(
        as_text=True
    )


def test_a_batch_that_does_not_fit_is_refused_whole(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.DRAFT, photos=6)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    html = upload(login_as(owner), product_id, *[(jpeg(seed=n), f"{n}.jpg") for n in range(3)])
    assert "you can add 2 more" in html
    assert media_files(app) == [] and len(photos_of(app, product_id)) == 6


def test_same_photo_twice_is_added_once(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    data = jpeg(seed=12)
    upload(client, product_id, (data, "a.jpg"))
    html = upload(client, product_id, (data, "a-again.jpg"))
    assert "already on this product" in html
    assert len(photos_of(app, product_id)) == 1


def test_reorder_cover_alt_text_and_delete(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    upload(client, product_id, *[(jpeg(seed=n), f"{n}.jpg") for n in range(3)])
    a, b, c = (image.id for image in photos_of(app, product_id))
    page = f"/my/products/{product_id}/photos"
    base = f"/my/products/{product_id}/photos"

    post_form(client, f"{base}/{c}/cover", page=page)
    assert [i.id for i in photos_of(app, product_id)] == [c, a, b]
    post_form(client, f"{base}/{a}/move", {"direction": "down"}, page=page)
    assert [i.id for i in photos_of(app, product_id)] == [c, b, a]
    post_form(client, f"{base}/{a}/move", {"direction": "up"}, page=page)
    assert [i.id for i in photos_of(app, product_id)] == [c, a, b]
    response = post_form(
        client, f"{base}/{a}/move", {"direction": "sideways"}, page=page, follow_redirects=True
    )
    assert "Please use the buttons on the page." in response.get_data(as_text=True)

    post_form(client, f"{base}/{b}/alt", {f"photo-{b}-alt_text": "Scarf, folded"}, page=page)
    assert [i.alt_text for i in photos_of(app, product_id)][2] == "Scarf, folded"
    html = client.get(page).get_data(as_text=True)
    assert 'alt="Scarf, folded"' in html
    response = post_form(
        client,
        f"{base}/{b}/alt",
        {f"photo-{b}-alt_text": "x" * 201},
        page=page,
        follow_redirects=True,
    )
    assert "Field cannot be longer than 200 characters." in response.get_data(as_text=True)

    with app.app_context():
        digest = db.session.get_one(ProductImage, b).digest
    post_form(client, f"{base}/{b}/delete", page=page)
    assert [i.id for i in photos_of(app, product_id)] == [c, a]
    assert not any(digest in key for key in media_files(app))


def test_deleting_a_photo_keeps_files_another_product_uses(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    data = jpeg(seed=20)
    upload(client, product_id, (data, "shared.jpg"))
    [image] = photos_of(app, product_id)
    with app.app_context():
        business = db.session.get_one(Product, product_id).business
        other = make_product(business, name="Other product", status=ProductStatus.DRAFT, photos=0)
        other.images.append(ProductImage(digest=image.digest, width=1200, height=900))
        db.session.commit()
    page = f"/my/products/{product_id}/photos"
    post_form(client, f"{page}/{image.id}/delete", page=page)
    assert photos_of(app, product_id) == []
    assert any(image.digest in key for key in media_files(app))


def test_changing_photos_of_a_published_product_sends_it_to_review(
    app: Flask, login_as: Any
) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business, photos=0)
        owner, product_id, slug = business.owner, product.id, product.slug
        commit_and_detach(owner)
    client = login_as(owner)
    assert client.get(f"/products/{slug}").status_code == 200
    upload(client, product_id, (jpeg(seed=30), "new.jpg"))
    with app.app_context():
        assert db.session.get_one(Product, product_id).status == ProductStatus.PENDING_REVIEW
    assert client.get(f"/products/{slug}").status_code == 404


def test_photos_of_an_archived_product_cannot_change(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.ARCHIVED)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    html = upload(login_as(owner), product_id, (jpeg(seed=31), "x.jpg"))
    assert "Restore the product before you change it." in html
    assert media_files(app) == []


def test_upload_without_files_asks_for_photos(app: Flask, owner_product: Any) -> None:
    client, product_id = owner_product
    html = upload(client, product_id)
    assert "Please choose one or more photos." in html


def test_srcset_sizes_match_the_stored_files(app: Flask, owner_product: Any) -> None:
    """The width/height written in the page are the real sizes of the files served."""
    client, product_id = owner_product
    upload(client, product_id, (jpeg(size=(2000, 1333), seed=40), "wide.jpg"))
    html = client.get(f"/my/products/{product_id}/preview").get_data(as_text=True)
    srcset = re.search(r'srcset="([^"]+)"', html)
    assert srcset is not None
    for entry in srcset.group(1).split(", "):
        url, width = entry.split(" ")
        with client.get(url) as response:
            served = Image.open(io.BytesIO(response.get_data()))
        assert f"{served.width}w" == width
    cover = re.search(r'<img src="([^"]+)"[^>]*width="(\d+)" height="(\d+)"', html)
    assert cover is not None
    with client.get(cover.group(1)) as response:
        served = Image.open(io.BytesIO(response.get_data()))
    assert (str(served.width), str(served.height)) == (cover.group(2), cover.group(3))
