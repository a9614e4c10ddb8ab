"""The MSME's nominations (/my/nominations): put a published product forward to an open
channel, follow the office's decision and its reason, withdraw until the product is shipped.

Every nomination is loaded through the owner's own query: another owner's answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.channels import curation, queries
from marketplace.channels.forms import NominationForm, WithdrawForm
from marketplace.channels.models import Channel, Nomination
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.periods import bandung_today

bp = Blueprint("nominations", __name__, url_prefix="/my/nominations")
restrict_blueprint(bp, Role.MSME)

PageResponse = str | Response | tuple[str, int]


def get_own_nomination(nomination_id: int) -> Nomination:
    nomination = db.session.scalar(queries.own_nomination(me().id, nomination_id))
    if nomination is None:
        abort(404)
    return nomination


@bp.get("/")
def index() -> str:
    return render_template(
        "channels/my_nominations.html",
        nominations=db.session.scalars(queries.nominations_of_owner(me().id)).all(),
        withdraw_form=WithdrawForm(),
        can_withdraw=curation.can_withdraw,
    )


def _open_channels() -> list[Channel]:
    today = bandung_today()
    channels = db.session.scalars(queries.channels_taking_nominations()).all()
    return [channel for channel in channels if curation.window_is_open(channel, today)]


@bp.route("/new", methods=["GET", "POST"])
def new() -> PageResponse:
    products = db.session.scalars(queries.own_published_products(me().id)).all()
    channels = _open_channels()
    form = NominationForm(
        products=[(str(p.id), p.name) for p in products],
        channels=[(c.slug, c.name) for c in channels],
    )
    if request.method == "GET":
        form.channel.data = request.args.get("channel", "")
        form.product.data = request.args.get("product", "")
    if form.validate_on_submit():
        product = db.session.scalar(queries.own_product(me().id, int(form.product.data or 0)))
        channel = next((c for c in channels if c.slug == form.channel.data), None)
        if product is None or channel is None:
            abort(404)
        try:
            nomination = curation.nominate(product, me(), channel, form.note.data or "")
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(
                _(
                    "%(product)s is nominated to %(channel)s. The trade office will decide and "
                    "tell you why.",
                    product=product.name,
                    channel=channel.name,
                ),
                "success",
            )
            return redirect(url_for(".show", nomination_id=nomination.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "channels/nominate.html", form=form, products=products, channels=channels
    ), status


@bp.get("/<int:nomination_id>")
def show(nomination_id: int) -> str:
    nomination = get_own_nomination(nomination_id)
    return render_template(
        "channels/my_nomination.html",
        nomination=nomination,
        withdraw_form=WithdrawForm(),
        can_withdraw=curation.can_withdraw(nomination),
    )


@bp.post("/<int:nomination_id>/withdraw")
def withdraw(nomination_id: int) -> Response:
    nomination = get_own_nomination(nomination_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        curation.withdraw(nomination, me())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The nomination is withdrawn."), "success")
    return redirect(url_for(".show", nomination_id=nomination_id))
