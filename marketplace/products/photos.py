"""A product's photos: at most eight, ordered, the first is the cover, each with alt text.

The files themselves are stored (and refused) by `marketplace.media.images` before these
functions run, outside the write transaction; here only the rows change. Each change locks the
product's row first (`db.lock`) and checks against what is committed then, so ten requests
posting photos at once can neither pass the limit of eight nor add one photo twice. Every change
to the photos of a published product sends it back to review.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.db import db, lock
from marketplace.products.models import Product, ProductImage
from marketplace.products.services import (
    ProductError,
    require_editable,
    return_to_review_if_changed,
)

MAX_PHOTOS = 8
MAX_ALT = 200


@dataclass(frozen=True)
class NewPhoto:
    digest: str
    width: int
    height: int


def ordered(product: Product) -> list[ProductImage]:
    return sorted(product.images, key=lambda image: (image.position, image.id or 0))


def _renumber(images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        image.position = position


def check_room(product: Product, count: int) -> None:
    """Called before any file is processed, so a batch that cannot fit stores nothing."""
    require_editable(product)
    room = MAX_PHOTOS - len(product.images)
    if count > room:
        raise ProductError(
            _l(
                "A product can have at most %(max)s photos; you can add %(room)s more.",
                max=MAX_PHOTOS,
                room=max(room, 0),
            )
        )


def add_photos(product: Product, actor: User, photos: list[NewPhoto]) -> list[ProductImage]:
    """Append the photos in the given order; one already on the product is skipped."""
    lock(product)
    present = {image.digest for image in product.images}
    fresh: list[NewPhoto] = []
    for photo in photos:
        if photo.digest not in present:
            present.add(photo.digest)
            fresh.append(photo)
    check_room(product, len(fresh))
    images = ordered(product)
    added = [
        ProductImage(digest=photo.digest, width=photo.width, height=photo.height) for photo in fresh
    ]
    product.images.extend(added)
    _renumber(images + added)
    return_to_review_if_changed(product, actor)
    return added


def _owned(product: Product, image: ProductImage) -> None:
    if image.product_id != product.id:
        raise ProductError(_l("This photo belongs to another product."))


def move_photo(product: Product, actor: User, image: ProductImage, offset: int) -> None:
    """Move one place earlier (-1) or later (+1); at either end nothing changes."""
    lock(product)
    require_editable(product)
    _owned(product, image)
    images = ordered(product)
    index = images.index(image)
    target = min(max(index + offset, 0), len(images) - 1)
    images.insert(target, images.pop(index))
    _renumber(images)
    return_to_review_if_changed(product, actor)


def make_cover(product: Product, actor: User, image: ProductImage) -> None:
    """The cover is the first photo."""
    lock(product)
    require_editable(product)
    _owned(product, image)
    images = ordered(product)
    images.remove(image)
    _renumber([image, *images])
    return_to_review_if_changed(product, actor)


def set_alt_text(product: Product, actor: User, image: ProductImage, alt_text: str) -> None:
    lock(product)
    require_editable(product)
    _owned(product, image)
    alt_text = " ".join(alt_text.split())
    if len(alt_text) > MAX_ALT:
        raise ProductError(_l("Alt text is at most %(max)s characters.", max=MAX_ALT))
    image.alt_text = alt_text
    return_to_review_if_changed(product, actor)


def delete_photo(product: Product, actor: User, image: ProductImage) -> str:
    """Returns the digest, so the caller can remove the files once nothing uses them."""
    lock(product)
    require_editable(product)
    _owned(product, image)
    digest = image.digest
    product.images.remove(image)
    db.session.delete(image)
    _renumber(ordered(product))
    return_to_review_if_changed(product, actor)
    return digest
