"""Product pages: the public product page (/products/<slug>) and the owner's listing pages
(/my/products/...): create, edit, preview, submit for review, archive and restore."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me, viewer
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role, User
from marketplace.businesses.forms import subsector_choices
from marketplace.businesses.models import Business
from marketplace.businesses.ownership import own_business_or_none
from marketplace.businesses.services import may_see_contact
from marketplace.channels.models import Channel
from marketplace.counting.visitors import count_visit, subject
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.rates import ConvertedPrice
from marketplace.products import display, prices, queries
from marketplace.products.forms import ProductForm, product_form_values, set_choices
from marketplace.products.models import Product, ProductImage
from marketplace.products.ownership import get_own_product
from marketplace.products.photos import ordered
from marketplace.products.services import (
    TRANSLATION_LOCALES,
    ProductError,
    archive_product,
    create_product,
    missing_for_review,
    record_view,
    restore_product,
    submit_product,
    update_product,
)
from marketplace.products.sharing import share_product
from marketplace.reference.loader import units
from marketplace.visits import current_visit_channel_id

public_bp = Blueprint("products", __name__)
bp = Blueprint("my_products", __name__, url_prefix="/my/products")
restrict_blueprint(bp, Role.MSME)


@public_bp.app_template_global()
def picture(image: ProductImage) -> display.Picture:
    return display.picture(image)


@public_bp.app_template_global()
def product_text(product: Product) -> display.Text:
    """The product's texts in the page's language, field by field (see `display.texts`)."""
    return display.texts(product, str(get_locale() or "en"))[0]


@public_bp.app_template_global()
def viewer_price(product: Product) -> ConvertedPrice | None:
    """The price in the viewer's currency (see `products.prices`), for the pages to show."""
    return prices.viewer_price(product)


def _channels(product: Product) -> list[Channel]:
    rows = db.session.execute(queries.accepted_channels([product.id]))
    return [channel for _product_id, channel in rows]


def render_product(product: Product, template: str = "products/page.html", **extra: object) -> str:
    """The product page, shared by the public page, the owner's preview and the office."""
    person = viewer()
    main_text, other_texts = display.texts(product, str(get_locale() or "en"))
    return render_template(
        template,
        product=product,
        business=product.business,
        main_text=main_text,
        other_texts=other_texts,
        images=ordered(product),
        channels=_channels(product),
        show_contact=may_see_contact(product.business, person),
        **extra,
    )


@public_bp.get("/products/<slug>")
def page(slug: str) -> str:
    """The public page; a view by anyone but the owner and the office counts, once per visitor,
    day and channel it came through (see `counting`), and counting never fails the page."""
    product = db.first_or_404(queries.public_product(slug))
    person = viewer()
    counts = person is None or not (person.is_staff or person.id == product.business.owner_id)
    product_id, channel_id = product.id, current_visit_channel_id()
    html = render_product(product, share=share_product(product))
    if counts:
        count_visit(
            subject("product", product_id, channel_id),
            lambda: record_view(product_id, channel_id),
        )
    return html


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
            return redirect(url_for("my_business.dashboard"))
    return _render_form(form, product)


@bp.get("/<int:product_id>/preview")
def preview(product_id: int) -> str:
    return render_product(get_own_product(product_id), preview=True)


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
    return redirect(url_for("my_business.dashboard"))


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
