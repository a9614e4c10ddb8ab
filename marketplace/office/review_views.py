"""Reviewing one business or one product: officers see everything the owner entered (with the
certificates' scans, and what changed since the last approval) and decide; they change none of
the owner's content. Every decision form carries what the officer saw, so a decision made on
an old page ends in a conflict message rather than overwriting another officer's decision."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.businesses import identity
from marketplace.businesses import queries as business_queries
from marketplace.businesses.models import Business, BusinessCertification, BusinessStatus
from marketplace.businesses.reminders import expired, expiring_soon
from marketplace.businesses.scans import scan_name
from marketplace.businesses.services import missing_for_verification
from marketplace.catalog.product_page import render_product
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.ledger.models import AuditEntry
from marketplace.media.views import send_private
from marketplace.office import decisions
from marketplace.office.blueprint import bp
from marketplace.office.forms import DecisionForm, ReasonForm, RecordReasonForm
from marketplace.periods import bandung_today
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.products.services import missing_for_review
from marketplace.products.snapshot import changes, take_snapshot

PageResponse = Response | str | tuple[str, int]
HISTORY = 20


def decide(decision: Callable[[], object], done: str, back: str, after: str) -> Response:
    """Run one decision and commit it. Success goes on to `after` (the queue); a conflict or a
    refused decision goes back to the item (`back`), whose page now shows its current state."""
    try:
        decision()
        db.session.commit()
    except ServiceError as error:  # ConflictError included
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    flash(done, "success")
    return redirect(after)


def history(subject_type: str, subject_id: int) -> list[AuditEntry]:
    """The latest decisions and changes of status of one record, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id.desc())
            .limit(HISTORY)
        )
    )


# ---------------------------------------------------------------------------------------------
# Businesses


def _business(business_id: int) -> Business:
    query = business_queries.with_details(sa.select(Business).where(Business.id == business_id))
    return db.first_or_404(query)


IDENTITY_REJECT = "identity_reject"


def _identity_reject_form(form: ReasonForm) -> ReasonForm:
    """Its own words, apart from the suspension's reason on the same page."""
    form.reason.label.text = _("Why the change is not accepted (shown to the owner)")
    return form


def _business_page(business: Business, failed: dict[str, ReasonForm] | None = None) -> str:
    """The page with a fresh form for each decision the status allows (and for a change of
    identity waiting for review); a refused form (its reason missing) is shown again with its
    error and the version it was made on."""
    seen = decisions.seen_token(business)
    failed = failed or {}

    def reason_form(name: str) -> ReasonForm:
        form_class = RecordReasonForm if name == "reinstate" else ReasonForm
        return failed.get(name) or form_class(formdata=None, data={"seen": seen}, prefix=name)

    change = identity.pending_change(business)
    change_seen = identity.seen_token(change) if change else ""
    return render_template(
        "office/business.html",
        business=business,
        missing=missing_for_verification(business),
        show_contact=True,
        decision_form=DecisionForm(formdata=None, data={"seen": seen}),
        reject_form=reason_form("reject"),
        suspend_form=reason_form("suspend"),
        reinstate_form=reason_form("reinstate"),
        change=change,
        identity_fields=identity.IDENTITY_FIELDS,
        identity_form=DecisionForm(formdata=None, data={"seen": change_seen}, prefix="identity"),
        identity_reject_form=_identity_reject_form(
            failed.get(IDENTITY_REJECT)
            or ReasonForm(formdata=None, data={"seen": change_seen}, prefix=IDENTITY_REJECT)
        ),
        history=history("business", business.id),
        today=bandung_today(),
        expired=expired,
        expiring_soon=expiring_soon,
    )


@bp.get("/businesses/<int:business_id>")
def business(business_id: int) -> str:
    return _business_page(_business(business_id))


def _business_back(business_id: int) -> str:
    return url_for(".business", business_id=business_id)


@bp.post("/businesses/<int:business_id>/verify", endpoint="verify_business")
def verify_business_view(business_id: int) -> PageResponse:
    business = _business(business_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    name, seen = business.name, form.seen.data or ""
    return decide(
        lambda: decisions.verify_business(business_id, me(), seen),
        _("%(name)s is verified.", name=name),
        _business_back(business_id),
        url_for(".index"),
    )


def _business_reason_view(
    business_id: int,
    prefix: str,
    decision: Callable[[int, str, str], object],
    done: str,
    after: str | None = None,
) -> PageResponse:
    business = _business(business_id)
    form = (RecordReasonForm if prefix == "reinstate" else ReasonForm)(prefix=prefix)
    if not form.validate_on_submit():
        return _business_page(business, {prefix: form}), 400
    seen, reason = form.seen.data or "", form.reason.data or ""
    return decide(
        lambda: decision(business_id, seen, reason),
        done,
        _business_back(business_id),
        after or url_for(".index"),
    )


@bp.post("/businesses/<int:business_id>/reject", endpoint="reject_business")
def reject_business_view(business_id: int) -> PageResponse:
    name = _business(business_id).name
    return _business_reason_view(
        business_id,
        "reject",
        lambda i, seen, reason: decisions.reject_business(i, me(), seen, reason),
        _("%(name)s is rejected; the owner sees your reason.", name=name),
    )


@bp.post("/businesses/<int:business_id>/suspend", endpoint="suspend_business")
def suspend_business_view(business_id: int) -> PageResponse:
    name = _business(business_id).name
    return _business_reason_view(
        business_id,
        "suspend",
        lambda i, seen, reason: decisions.suspend_business(i, me(), seen, reason),
        _("%(name)s is suspended: its products are no longer shown.", name=name),
        _business_back(business_id),
    )


@bp.post("/businesses/<int:business_id>/reinstate", endpoint="reinstate_business")
def reinstate_business_view(business_id: int) -> PageResponse:
    name = _business(business_id).name
    return _business_reason_view(
        business_id,
        "reinstate",
        lambda i, seen, reason: decisions.reinstate_business(i, me(), seen, reason),
        _("%(name)s is verified again: its products are shown again.", name=name),
        _business_back(business_id),
    )


@bp.post("/businesses/<int:business_id>/identity/approve", endpoint="approve_identity")
def approve_identity_view(business_id: int) -> PageResponse:
    _business(business_id)
    form = DecisionForm(prefix="identity")
    if not form.validate_on_submit():
        abort(400)
    seen = form.seen.data or ""
    return decide(
        lambda: identity.approve_identity_change(business_id, me(), seen),
        _("The new name, NIB and district are approved and shown publicly."),
        _business_back(business_id),
        url_for(".business_queue"),
    )


@bp.post("/businesses/<int:business_id>/identity/reject", endpoint="reject_identity")
def reject_identity_view(business_id: int) -> PageResponse:
    business = _business(business_id)
    form = ReasonForm(prefix=IDENTITY_REJECT)
    if not form.validate_on_submit():
        return _business_page(business, {IDENTITY_REJECT: form}), 400
    seen, reason = form.seen.data or "", form.reason.data or ""
    return decide(
        lambda: identity.reject_identity_change(business_id, me(), seen, reason),
        _(
            "The change is rejected: the business keeps its verified details, and the owner "
            "sees your reason."
        ),
        _business_back(business_id),
        url_for(".business_queue"),
    )


@bp.get("/certifications/<int:certification_id>/scan")
def certification_scan(certification_id: int) -> Response:
    certification = db.get_or_404(BusinessCertification, certification_id)
    if not certification.scan_key or not certification.scan_content_type:
        abort(404)
    return send_private(
        certification.scan_key, certification.scan_content_type, scan_name(certification)
    )


# ---------------------------------------------------------------------------------------------
# Products


def _product(product_id: int) -> Product:
    return db.first_or_404(product_queries.product_by_id(product_id))


def _product_page(product: Product, form: ReasonForm | None = None) -> str:
    seen = decisions.seen_token(product)
    return render_product(
        product,
        "office/product.html",
        changes=changes(product.approved_snapshot, take_snapshot(product))
        if product.approved_snapshot
        else None,
        missing=missing_for_review(product),
        decision_form=DecisionForm(formdata=None, data={"seen": seen}),
        reject_form=form or ReasonForm(formdata=None, data={"seen": seen}, prefix="reject"),
        history=history("product", product.id),
        business_suspended=product.business.status == BusinessStatus.SUSPENDED,
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int) -> str:
    return _product_page(_product(product_id))


@bp.post("/products/<int:product_id>/approve", endpoint="approve_product")
def approve_product_view(product_id: int) -> PageResponse:
    product = _product(product_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    name, seen = product.name, form.seen.data or ""
    return decide(
        lambda: decisions.approve_product(product_id, me(), seen),
        _("%(name)s is published.", name=name),
        url_for(".product", product_id=product_id),
        url_for(".index"),
    )


@bp.post("/products/<int:product_id>/reject", endpoint="reject_product")
def reject_product_view(product_id: int) -> PageResponse:
    product = _product(product_id)
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        return _product_page(product, form), 400
    name, seen, reason = product.name, form.seen.data or "", form.reason.data or ""
    return decide(
        lambda: decisions.reject_product(product_id, me(), seen, reason),
        _("%(name)s is rejected; the owner sees your reason.", name=name),
        url_for(".product", product_id=product_id),
        url_for(".index"),
    )
