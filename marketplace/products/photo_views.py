"""The owner's photo page of a product (/my/products/<id>/photos): upload several at once,
reorder, choose the cover, write alt text, delete. Works without JavaScript.

Uploads are judged one by one: a refused file gets its own message and stores nothing, the
others are kept. Files of a batch whose transaction does not commit are removed again, and a
deleted photo's files once nothing uses them (`media.transaction_files`).

Decoding and resizing take seconds for large photos: the upload runs them before it takes the
write transaction (`writes_late`), so other people's writes never wait behind them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db, write_now
from marketplace.media.backend import current_storage
from marketplace.media.images import ImageError, ProcessedImage, image_keys, store_image
from marketplace.media.transaction_files import discard_after_commit, track_new_files
from marketplace.products.forms import AltTextForm, MoveForm, PhotoUploadForm
from marketplace.products.models import Product, ProductImage
from marketplace.products.ownership import get_own_photo, get_own_product
from marketplace.products.photos import (
    MAX_PHOTOS,
    NewPhoto,
    add_photos,
    check_room,
    delete_photo,
    make_cover,
    move_photo,
    ordered,
    set_alt_text,
)
from marketplace.products.services import ProductError
from marketplace.web import writes_late

bp = Blueprint("product_photos", __name__, url_prefix="/my/products")
restrict_blueprint(bp, Role.MSME)

MAX_NAME = 80


def alt_form(image: ProductImage, submitted: bool = False) -> AltTextForm:
    """Each photo's alt-text form has its own prefix, so ids stay unique on the page."""
    prefix = f"photo-{image.id}"
    if submitted:
        return AltTextForm(prefix=prefix)
    return AltTextForm(prefix=prefix, formdata=None, alt_text=image.alt_text)


def _render(product: Product, upload: PhotoUploadForm | None = None) -> str:
    images = ordered(product)
    return render_template(
        "products/photos.html",
        product=product,
        images=images,
        upload=upload or PhotoUploadForm(),
        alt_forms={image.id: alt_form(image) for image in images},
        max_photos=MAX_PHOTOS,
    )


@bp.get("/<int:product_id>/photos")
def manage(product_id: int) -> str:
    return _render(get_own_product(product_id))


def _display_name(upload: FileStorage) -> str:
    name = upload.filename or _("unnamed file")
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def _store_all(uploads: Iterable[FileStorage]) -> list[ProcessedImage]:
    """Process and store each file; a refused one is reported by name and leaves no file."""
    storage = current_storage()
    stored: list[ProcessedImage] = []
    for upload in uploads:
        try:
            processed = store_image(storage, upload.read())
        except ImageError as error:
            flash(
                _(
                    "%(file)s was not added: %(reason)s",
                    file=_display_name(upload),
                    reason=str(error.message),
                ),
                "error",
            )
        else:
            track_new_files(*image_keys(processed.digest))
            stored.append(processed)
    return stored


@bp.post("/<int:product_id>/photos")
@writes_late
def upload(product_id: int) -> Response | str:
    product = get_own_product(product_id)
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        return _render(product, form)
    uploads = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if not uploads:
        flash(_("Please choose one or more photos."), "error")
        return redirect(url_for(".manage", product_id=product.id))
    try:
        check_room(product, len(uploads))
    except ProductError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".manage", product_id=product.id))
    stored = _store_all(uploads)
    if stored:
        _save(product, stored)
    return redirect(url_for(".manage", product_id=product.id))


def _save(product: Product, stored: list[ProcessedImage]) -> None:
    try:
        write_now()
        added = add_photos(product, me(), [NewPhoto(p.digest, p.width, p.height) for p in stored])
        db.session.commit()
    except ProductError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return
    if added:
        flash(ngettext("%(num)d photo added.", "%(num)d photos added.", len(added)), "success")
    if len(added) < len(stored):
        flash(_("A photo that is already on this product was not added again."), "info")


def _change(product_id: int, change: Callable[[], object], done: str) -> Response:
    """Run one change to the photos and commit; a refusal comes back as a message."""
    try:
        change()
        db.session.commit()
    except ProductError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".manage", product_id=product_id))


@bp.post("/<int:product_id>/photos/<int:image_id>/move")
def move(product_id: int, image_id: int) -> Response:
    product, image = get_own_photo(product_id, image_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Please use the buttons on the page."), "error")
        return redirect(url_for(".manage", product_id=product_id))
    offset = -1 if form.direction.data == "up" else 1
    return _change(
        product_id, lambda: move_photo(product, me(), image, offset), _("The photo is moved.")
    )


@bp.post("/<int:product_id>/photos/<int:image_id>/cover")
def cover(product_id: int, image_id: int) -> Response:
    product, image = get_own_photo(product_id, image_id)
    return _change(
        product_id, lambda: make_cover(product, me(), image), _("The photo is now the cover.")
    )


@bp.post("/<int:product_id>/photos/<int:image_id>/alt")
def alt_text(product_id: int, image_id: int) -> Response:
    product, image = get_own_photo(product_id, image_id)
    form = alt_form(image, submitted=True)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.alt_text.errors), "error")
        return redirect(url_for(".manage", product_id=product_id))
    text = form.alt_text.data or ""
    return _change(
        product_id, lambda: set_alt_text(product, me(), image, text), _("The alt text is saved.")
    )


@bp.post("/<int:product_id>/photos/<int:image_id>/delete")
def delete(product_id: int, image_id: int) -> Response:
    product, image = get_own_photo(product_id, image_id)

    def change() -> None:
        discard_after_commit(*image_keys(delete_photo(product, me(), image)))

    return _change(product_id, change, _("The photo is deleted."))
