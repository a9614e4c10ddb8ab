"""The stand pages (/stand/...): where a channel coordinator, at a showroom or a fair stand
abroad, or an officer keeps the channel's stock: the line-up with the pieces on their way and
at hand, each product's movements, and the MSMEs' shipments with their packing lists.

A coordinator reaches the channels an admin assigned, and gets 404 for any other (the page of
a channel they do not work at does not exist for them); officers and admins reach all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses.models import Business
from marketplace.channels import queries as channel_queries
from marketplace.channels.coordinators import coordinated_channels, may_coordinate
from marketplace.channels.models import Channel, Nomination, NominationStatus
from marketplace.channels.pages import pdf_response
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.ledger.rates import convert
from marketplace.money import RUPIAH
from marketplace.notifications import decisions as tell
from marketplace.products.models import Product
from marketplace.stand.forms import CorrectionForm, MovementForm, SaleForm, shipment_form
from marketplace.stock import sales, services
from marketplace.stock.models import MovementKind, Sale, Shipment, StockMovement
from marketplace.stock.packing import packing_list

bp = Blueprint("stand", __name__, url_prefix="/stand")
restrict_blueprint(bp, Role.COORDINATOR, Role.OFFICER, Role.ADMIN)

PageResponse = str | Response | tuple[str, int]


def get_channel(channel_id: int) -> Channel:
    channel = db.get_or_404(Channel, channel_id)
    if not may_coordinate(me(), channel):
        abort(404)
    return channel


def get_nomination(channel: Channel, nomination_id: int) -> Nomination:
    nomination = db.session.get(Nomination, nomination_id)
    if (
        nomination is None
        or nomination.channel_id != channel.id
        or nomination.status != NominationStatus.ACCEPTED
    ):
        abort(404)
    return nomination


@bp.get("/")
def index() -> str:
    user = me()
    if user.is_staff:
        channels = list(db.session.scalars(channel_queries.listed_channels()))
    else:
        channels = coordinated_channels(user)
    return render_template("stand/index.html", channels=channels)


def _lineup(channel: Channel) -> list[Nomination]:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .join(Nomination.product)
            .join(Product.business)
            .where(
                Nomination.channel_id == channel.id,
                Nomination.status == NominationStatus.ACCEPTED,
            )
            .options(selectinload(Nomination.product).selectinload(Product.business))
            .order_by(Business.name, Nomination.shelf_code, Product.name)
        )
    )


@bp.get("/<int:channel_id>")
def channel(channel_id: int) -> str:
    channel = get_channel(channel_id)
    by_business: dict[Business, list[Nomination]] = defaultdict(list)
    for nomination in _lineup(channel):
        by_business[nomination.product.business].append(nomination)
    shipments = db.session.scalars(
        sa.select(Shipment)
        .where(Shipment.channel_id == channel.id)
        .options(selectinload(Shipment.business), selectinload(Shipment.movements))
        .order_by(Shipment.shipped_on.desc(), Shipment.id.desc())
    ).all()
    return render_template(
        "stand/channel.html", channel=channel, by_business=by_business, shipments=shipments
    )


def _price_now(channel: Channel, nomination: Nomination, today: date) -> str:
    """The product's list price in the channel's currency today, to start the sale form with."""
    price = nomination.product.price_idr
    if price is None:
        return ""
    if channel.currency == RUPIAH:
        return str(price)
    converted = convert(price, channel.currency, today)
    return str(converted.amount) if converted else ""


def _product_page(
    channel: Channel,
    nomination: Nomination,
    form: MovementForm | None = None,
    sale_form: SaleForm | None = None,
    failed_correction: tuple[int, CorrectionForm] | None = None,
) -> str:
    today = services.channel_today(channel)
    movements = db.session.scalars(
        sa.select(StockMovement)
        .where(StockMovement.nomination_id == nomination.id)
        .options(selectinload(StockMovement.recorded_by))
        .order_by(StockMovement.moved_on.desc(), StockMovement.id.desc())
    ).all()
    recorded = db.session.scalars(
        sa.select(Sale)
        .where(Sale.nomination_id == nomination.id)
        .options(selectinload(Sale.recorded_by))
        .order_by(Sale.sold_on.desc(), Sale.id.desc())
    ).all()
    corrected = {sale.corrects_id for sale in recorded if sale.corrects_id is not None}
    corrections = {
        sale.id: CorrectionForm(formdata=None, prefix=f"c{sale.id}")
        for sale in recorded
        if sale.quantity > 0 and sale.id not in corrected
    }
    if failed_correction is not None:
        corrections[failed_correction[0]] = failed_correction[1]
    if form is None:
        form = MovementForm(formdata=None, prefix="move", data={"moved_on": today})
    if sale_form is None:
        sale_form = SaleForm(
            formdata=None,
            prefix="sale",
            currency=channel.currency,
            data={"sold_on": today, "unit_price": _price_now(channel, nomination, today)},
        )
    return render_template(
        "stand/product.html",
        channel=channel,
        nomination=nomination,
        movements=movements,
        sales=recorded,
        corrections=corrections,
        form=form,
        sale_form=sale_form,
    )


@bp.get("/<int:channel_id>/stock/<int:nomination_id>")
def product(channel_id: int, nomination_id: int) -> str:
    channel = get_channel(channel_id)
    return _product_page(channel, get_nomination(channel, nomination_id))


@bp.post("/<int:channel_id>/stock/<int:nomination_id>")
def record(channel_id: int, nomination_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    nomination = get_nomination(channel, nomination_id)
    form = MovementForm(prefix="move")
    if not form.validate_on_submit():
        return _product_page(channel, nomination, form), 400
    assert form.quantity.data is not None and form.moved_on.data is not None
    try:
        movement = services.record_movement(
            nomination,
            me(),
            MovementKind(form.kind.data),
            form.quantity.data,
            form.moved_on.data,
            shelf_code=form.shelf_code.data,
            note=form.note.data or "",
        )
        tell.shelf_event(nomination, movement.kind, movement.quantity, movement.note)
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _product_page(channel, get_nomination(channel, nomination_id), form), 400
    db.session.commit()
    flash(
        _(
            "Recorded: %(product)s now has %(n)s pieces at the channel.",
            product=nomination.product.name,
            n=nomination.on_hand,
        ),
        "success",
    )
    return redirect(url_for(".product", channel_id=channel.id, nomination_id=nomination.id))


@bp.post("/<int:channel_id>/stock/<int:nomination_id>/sales")
def sell(channel_id: int, nomination_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    nomination = get_nomination(channel, nomination_id)
    form = SaleForm(prefix="sale", currency=channel.currency)
    if not form.validate_on_submit():
        return _product_page(channel, nomination, sale_form=form), 400
    assert form.quantity.data is not None and form.sold_on.data is not None
    try:
        sale = sales.record_sale(
            nomination,
            me(),
            form.quantity.data,
            form.price(),
            form.sold_on.data,
            form.note.data or "",
        )
        tell.shelf_event(nomination, MovementKind.SOLD, sale.quantity, sale.note)
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        nomination = get_nomination(channel, nomination_id)
        return _product_page(channel, nomination, sale_form=form), 400
    db.session.commit()
    flash(
        _(
            "The sale is recorded: %(product)s now has %(n)s pieces at the channel.",
            product=nomination.product.name,
            n=nomination.on_hand,
        ),
        "success",
    )
    return redirect(url_for(".product", channel_id=channel.id, nomination_id=nomination.id))


@bp.post("/<int:channel_id>/sales/<int:sale_id>/correct")
def correct(channel_id: int, sale_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    sale = db.session.get(Sale, sale_id)
    if sale is None:
        abort(404)
    nomination = get_nomination(channel, sale.nomination_id)
    form = CorrectionForm(prefix=f"c{sale.id}")
    if form.validate_on_submit():
        try:
            sales.correct_sale(sale, me(), form.note.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            nomination = get_nomination(channel, sale.nomination_id)
        else:
            db.session.commit()
            flash(_("The sale is corrected; its pieces are back in stock."), "success")
            return redirect(url_for(".product", channel_id=channel.id, nomination_id=nomination.id))
    return _product_page(channel, nomination, failed_correction=(sale.id, form)), 400


def _business(channel: Channel, business_id: int) -> tuple[Business, list[Nomination]]:
    business = db.get_or_404(Business, business_id)
    nominations = services.shippable(channel, business)
    if not nominations:
        abort(404)
    return business, nominations


@bp.route("/<int:channel_id>/shipments/new/<int:business_id>", methods=["GET", "POST"])
def new_shipment(channel_id: int, business_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    business, nominations = _business(channel, business_id)
    form = shipment_form(nominations, data={"shipped_on": services.channel_today(channel)})
    if form.validate_on_submit():
        assert form.shipped_on.data is not None
        try:
            shipment = services.record_shipment(
                channel,
                business,
                me(),
                form.shipped_on.data,
                form.quantities(),
                form.note.data or "",
            )
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _("The shipment %(reference)s is recorded.", reference=shipment.reference),
                "success",
            )
            return redirect(url_for(".shipment", channel_id=channel.id, shipment_id=shipment.id))
    html = render_template(
        "stand/new_shipment.html",
        channel=channel,
        business=business,
        form=form,
        fields=[(n, form[f"q{n.id}"]) for n in nominations],
    )
    return (html, 400) if form.is_submitted() else html


def get_shipment(channel: Channel, shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.channel_id != channel.id:
        abort(404)
    return shipment


@bp.get("/<int:channel_id>/shipments/<int:shipment_id>")
def shipment(channel_id: int, shipment_id: int) -> str:
    channel = get_channel(channel_id)
    return render_template(
        "stand/shipment.html", channel=channel, shipment=get_shipment(channel, shipment_id)
    )


@bp.get("/<int:channel_id>/shipments/<int:shipment_id>/packing-list.pdf")
def packing(channel_id: int, shipment_id: int) -> Response:
    channel = get_channel(channel_id)
    shipment = get_shipment(channel, shipment_id)
    data = packing_list(shipment, str(get_locale()))
    return pdf_response(data, f"packing-list-{shipment.reference}.pdf", private=True)
