"""The office's queues, oldest first: businesses waiting for verification, products waiting for
review (with a bulk approval that asks for confirmation first), nominations per channel, and
reports of spam or abuse (interests left unanswered have `escalation_views`). The overview
shows the oldest few of each; each queue has its page."""

from __future__ import annotations

from collections import OrderedDict

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from marketplace.accounts.current import me
from marketplace.businesses.identity import IDENTITY_FIELDS
from marketplace.channels.models import Channel, Nomination
from marketplace.db import db
from marketplace.interests.models import Interest
from marketplace.ledger.models import AbuseReport
from marketplace.office import decisions, queries
from marketplace.office.blueprint import bp, office_queue_counts
from marketplace.office.forms import BulkForm
from marketplace.products.models import Product

PageResponse = Response | str | tuple[str, int]
OVERVIEW = 5  # oldest items of each queue on the overview
QUEUE_PAGE = 100


def _item(product: Product) -> str:
    """The value of a product's checkbox: its id and the version the officer saw."""
    return f"{product.id}@{decisions.seen_token(product)}"


def by_channel(nominations: list[Nomination]) -> OrderedDict[Channel, list[Nomination]]:
    """Channels in the order of their oldest waiting nomination, each with its nominations."""
    grouped: OrderedDict[Channel, list[Nomination]] = OrderedDict()
    for nomination in nominations:
        grouped.setdefault(nomination.channel, []).append(nomination)
    return grouped


def reported_interests(reports: list[AbuseReport]) -> dict[int, Interest]:
    ids = [r.subject_id for r in reports if r.subject_type == "interest"]
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(queries.interests_by_id(ids))}


@bp.get("/")
def index() -> str:
    reports = db.session.scalars(queries.open_reports().limit(OVERVIEW)).all()
    return render_template(
        "office/index.html",
        counts=office_queue_counts(),
        businesses=db.session.scalars(queries.waiting_businesses().limit(OVERVIEW)).all(),
        products=db.session.scalars(queries.waiting_products().limit(OVERVIEW)).all(),
        channels=by_channel(
            list(db.session.scalars(queries.waiting_nominations().limit(OVERVIEW)))
        ),
        reports=reports,
        interests=reported_interests(list(reports)),
        escalations=db.session.scalars(queries.waiting_escalations().limit(OVERVIEW)).all(),
    )


@bp.get("/queues/businesses")
def business_queue() -> str:
    return render_template(
        "office/queue_businesses.html",
        businesses=db.session.scalars(queries.waiting_businesses().limit(QUEUE_PAGE)).all(),
        identity_fields=IDENTITY_FIELDS,
        counts=office_queue_counts(),
    )


def _product_queue(form: BulkForm | None = None) -> str:
    products = db.session.scalars(queries.waiting_products().limit(QUEUE_PAGE)).all()
    form = form or BulkForm(formdata=None)
    form.items.choices = [SelectChoice(_item(p), p.name) for p in products]
    return render_template(
        "office/queue_products.html",
        products=products,
        form=form,
        item=_item,
        counts=office_queue_counts(),
    )


@bp.get("/queues/products")
def product_queue() -> str:
    return _product_queue()


@bp.post("/queues/products/approve")
def bulk_approve() -> PageResponse:
    """Step one: show the selected products and ask for confirmation; nothing changes yet."""
    form = BulkForm()
    if not form.validate_on_submit():
        return _product_queue(form), 400
    selection = form.selection()
    found = {
        p.id: p
        for p in db.session.scalars(
            queries.waiting_products().where(Product.id.in_([i for i, _seen in selection]))
        )
    }
    return render_template(
        "office/bulk_confirm.html",
        selection=[(product_id, seen, found.get(product_id)) for product_id, seen in selection],
        form=BulkForm(formdata=None),
    )


@bp.post("/queues/products/approve/confirm")
def bulk_approve_confirm() -> PageResponse:
    """Step two: approve each confirmed product; those that changed meanwhile are left alone
    and listed."""
    form = BulkForm()
    if not form.validate_on_submit():
        return _product_queue(form), 400
    result = decisions.approve_products(form.selection(), me())
    db.session.commit()
    if result.approved:
        flash(
            ngettext(
                "%(num)d product is published.",
                "%(num)d products are published.",
                len(result.approved),
            ),
            "success",
        )
    for _product_id, name, why in result.skipped:
        flash(
            _("Not approved: %(name)s. %(why)s", name=name or _("(removed)"), why=why),
            "error",
        )
    return redirect(url_for(".product_queue"))


@bp.get("/queues/nominations")
def nomination_queue() -> str:
    return render_template(
        "office/queue_nominations.html",
        channels=by_channel(list(db.session.scalars(queries.waiting_nominations()))),
        paused=list(db.session.scalars(queries.waiting_nominations(paused=True))),
        counts=office_queue_counts(),
    )


@bp.get("/queues/reports")
def report_queue() -> str:
    reports = list(db.session.scalars(queries.open_reports().limit(QUEUE_PAGE)))
    return render_template(
        "office/queue_reports.html",
        reports=reports,
        interests=reported_interests(reports),
        counts=office_queue_counts(),
    )
