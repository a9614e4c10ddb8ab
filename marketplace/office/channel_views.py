"""The office's channel management (/office/channels): partner cities and channels.

Officers and admins only. The curation pages of the same blueprint are in `curation_views`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.channels import queries, services
from marketplace.channels.forms import ChannelForm, PartnerCityForm
from marketplace.channels.models import Channel, NominationStatus
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.reference.models import PartnerCity

bp = Blueprint("channel_admin", __name__, url_prefix="/office/channels")
restrict_blueprint(bp, Role.OFFICER, Role.ADMIN)

PageResponse = str | Response | tuple[str, int]


def _status(form_submitted: bool) -> int:
    return 400 if form_submitted else 200


def get_channel(channel_id: int) -> Channel:
    return db.get_or_404(Channel, channel_id)


@bp.get("/")
def index() -> str:
    counts: dict[int, dict[str, int]] = {}
    for channel_id, status, n in db.session.execute(queries.nomination_counts()):
        counts.setdefault(channel_id, {})[str(status)] = n
    return render_template(
        "office/channels/index.html",
        channels=db.session.scalars(queries.all_channels()).all(),
        cities=db.session.scalars(queries.partner_cities()).unique().all(),
        counts=counts,
        NominationStatus=NominationStatus,
    )


def _city_choices() -> list[tuple[str, str]]:
    cities = db.session.scalars(queries.partner_cities()).unique()
    return [(str(city.id), f"{city.name} ({city.country})") for city in cities]


def _channel_form(channel: Channel | None) -> ChannelForm:
    return ChannelForm(
        obj=channel,
        partner_cities=_city_choices(),
        accepted=services.accepted_count(channel.id) if channel is not None else 0,
    )


@bp.route("/new", methods=["GET", "POST"])
def new_channel() -> PageResponse:
    form = _channel_form(None)
    if form.validate_on_submit():
        try:
            channel = services.create_channel(me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(_("The channel %(name)s is saved.", name=channel.name), "success")
            return redirect(url_for(".review", channel_id=channel.id))
    return render_template("office/channels/edit.html", form=form, channel=None), _status(
        form.is_submitted()
    )


@bp.route("/<int:channel_id>/edit", methods=["GET", "POST"])
def edit_channel(channel_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    form = _channel_form(channel)
    if form.validate_on_submit():
        try:
            services.update_channel(channel, me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            channel = get_channel(channel_id)
        else:
            flash(_("The channel %(name)s is saved.", name=channel.name), "success")
            return redirect(url_for(".review", channel_id=channel.id))
    return render_template("office/channels/edit.html", form=form, channel=channel), _status(
        form.is_submitted()
    )


@bp.route("/partners/new", methods=["GET", "POST"])
def new_partner() -> PageResponse:
    form = PartnerCityForm()
    if form.validate_on_submit():
        try:
            city = services.create_partner_city(me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(_("The partner city %(name)s is saved.", name=city.name), "success")
            return redirect(url_for(".index"))
    return render_template("office/channels/partner.html", form=form, city=None), _status(
        form.is_submitted()
    )


@bp.route("/partners/<int:city_id>/edit", methods=["GET", "POST"])
def edit_partner(city_id: int) -> PageResponse:
    city = db.get_or_404(PartnerCity, city_id)
    form = PartnerCityForm(obj=city)
    if form.validate_on_submit():
        try:
            services.update_partner_city(city, me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            city = db.get_or_404(PartnerCity, city_id)
        else:
            flash(_("The partner city %(name)s is saved.", name=city.name), "success")
            return redirect(url_for(".index"))
    return render_template("office/channels/partner.html", form=form, city=city), _status(
        form.is_submitted()
    )
