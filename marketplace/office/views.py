"""The trade office's review pages: businesses waiting for verification and products waiting
for review, with the decisions on them. Officers see everything an owner entered, but change
none of it: they only verify, approve or reject, always with a reason for a rejection."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses import queries as business_queries
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.businesses.ownership import me
from marketplace.businesses.scans import scan_name
from marketplace.businesses.services import (
    missing_for_verification,
    reject_business,
    verify_business,
)
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.media.views import send_private
from marketplace.office.forms import ReasonForm
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.products.services import approve_product, missing_for_review, reject_product
from marketplace.products.snapshot import changes, take_snapshot
from marketplace.products.views import render_product

bp = Blueprint("office", __name__, url_prefix="/office")
restrict_blueprint(bp, Role.OFFICER, Role.ADMIN)


@bp.get("/")
def index() -> str:
    return render_template(
        "office/index.html",
        businesses=db.session.scalars(business_queries.pending_businesses()).all(),
        products=db.session.scalars(product_queries.pending_products()).all(),
    )


def _business(business_id: int) -> Business:
    query = business_queries.with_details(sa.select(Business).where(Business.id == business_id))
    return db.first_or_404(query)


def _product(product_id: int) -> Product:
    return db.first_or_404(product_queries.product_by_id(product_id))


def _decide(decision: Callable[[], None], done: str) -> Response:
    try:
        decision()
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".index"))


def _business_page(business: Business, form: ReasonForm | None = None) -> str:
    return render_template(
        "office/business.html",
        business=business,
        missing=missing_for_verification(business),
        show_contact=True,
        reject_form=form or ReasonForm(formdata=None),
    )


@bp.get("/businesses/<int:business_id>")
def business(business_id: int) -> str:
    return _business_page(_business(business_id))


@bp.post("/businesses/<int:business_id>/verify", endpoint="verify_business")
def verify_business_view(business_id: int) -> Response:
    business = _business(business_id)
    return _decide(
        lambda: verify_business(business, me()),
        _("%(name)s is verified.", name=business.name),
    )


@bp.post("/businesses/<int:business_id>/reject", endpoint="reject_business")
def reject_business_view(business_id: int) -> Response | str:
    business = _business(business_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _business_page(business, form)
    reason = form.reason.data or ""
    return _decide(
        lambda: reject_business(business, me(), reason),
        _("%(name)s is rejected; the owner sees your reason.", name=business.name),
    )


def _product_page(product: Product, form: ReasonForm | None = None) -> str:
    return render_product(
        product,
        "office/product.html",
        changes=changes(product.approved_snapshot, take_snapshot(product))
        if product.approved_snapshot
        else None,
        missing=missing_for_review(product),
        reject_form=form or ReasonForm(formdata=None),
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int) -> str:
    return _product_page(_product(product_id))


@bp.post("/products/<int:product_id>/approve", endpoint="approve_product")
def approve_product_view(product_id: int) -> Response:
    product = _product(product_id)
    return _decide(
        lambda: approve_product(product, me()),
        _("%(name)s is published.", name=product.name),
    )


@bp.post("/products/<int:product_id>/reject", endpoint="reject_product")
def reject_product_view(product_id: int) -> Response | str:
    product = _product(product_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _product_page(product, form)
    reason = form.reason.data or ""
    return _decide(
        lambda: reject_product(product, me(), reason),
        _("%(name)s is rejected; the owner sees your reason.", name=product.name),
    )


@bp.get("/certifications/<int:certification_id>/scan")
def certification_scan(certification_id: int) -> Response:
    certification = db.get_or_404(BusinessCertification, certification_id)
    if not certification.scan_key or not certification.scan_content_type:
        abort(404)
    return send_private(
        certification.scan_key, certification.scan_content_type, scan_name(certification)
    )
