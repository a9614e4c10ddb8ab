"""The owner's listing pages (/my/products/...): create, edit, submit for review, archive and
restore. The public product page and the owner's preview compose other features: they are in
`catalog/product_page.py` and `workspace/views.py`."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role, User
from marketplace.businesses.forms import subsector_choices
from marketplace.businesses.models import Business
from marketplace.businesses.ownership import own_business_or_none
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.i18n import CONTENT_LOCALES
from marketplace.products.forms import ProductForm, product_form_values, set_choices
from marketplace.products.models import Product
from marketplace.products.ownership import get_own_product
from marketplace.products.services import (
    TRANSLATION_LOCALES,
    ProductError,
    archive_product,
    create_product,
    missing_for_review,
    restore_product,
    submit_product,
    update_product,
)
from marketplace.reference.loader import units

bp = Blueprint("my_products", __name__, url_prefix="/my/products")
restrict_blueprint(bp, Role.MSME)


def _form(business: Business, product: Product | None = None) -> ProductForm:
    form = ProductForm(obj=product, data=product_form_values(product) if product else None)
    set_choices(
        form,
        subsectors=subsector_choices(),
        units=units(),
        certifications=[
            (c.id, f"{c.certification.name} ({c.number})") for c in business.certifications
        ],
    )
    return form


def _render_form(form: ProductForm, product: Product | None) -> str:
    return render_template(
        "products/edit.html",
        form=form,
        product=product,
        languages=[(code, CONTENT_LOCALES[code]) for code in TRANSLATION_LOCALES],
        missing=missing_for_review(product) if product else [],
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Response | str:
    business = own_business_or_none()
    if business is None:
        flash(_("Please create your business profile first."), "info")
        return redirect(url_for("my_business.edit"))
    form = _form(business)
    if not form.is_submitted():
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        try:
            product = create_product(
                business, me(), form.to_data(), submission_key=form.submission_key.data
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(_("The product is saved as a draft. Now add its photos."), "success")
            return redirect(url_for("product_photos.manage", product_id=product.id))
    return _render_form(form, None)


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
def edit(product_id: int) -> Response | str:
    product = get_own_product(product_id)
    form = _form(product.business, product)
    if form.validate_on_submit():
        try:
            back_to_review = update_product(product, me(), form.to_data())
            db.session.commit()
        except ProductError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            product = get_own_product(product_id)
        else:
            if back_to_review:
                flash(
                    _("Saved. The changed text goes back to the trade office for review."), "info"
                )
            else:
                flash(_("The product is saved."), "success")
            return redirect(url_for("workspace.dashboard"))
    return _render_form(form, product)


def _transition(product_id: int, action: Callable[[Product, User], None], done: str) -> Response:
    product = get_own_product(product_id)
    try:
        action(product, me())
        db.session.commit()
    except ProductError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for("workspace.dashboard"))


@bp.post("/<int:product_id>/submit")
def submit(product_id: int) -> Response:
    return _transition(
        product_id, submit_product, _("The product is submitted for review by the trade office.")
    )


@bp.post("/<int:product_id>/archive")
def archive(product_id: int) -> Response:
    return _transition(product_id, archive_product, _("The product is archived."))


@bp.post("/<int:product_id>/restore")
def restore(product_id: int) -> Response:
    return _transition(product_id, restore_product, _("The product is restored."))
