"""Leads at the stand (/stand/<channel>/leads), on the `stand_leads` blueprint: the capture
form for a phone or a tablet, used by the channel's coordinators, the office, and MSME owners
staffing their own stand (for their own products). Everyone else gets 404.

The page works without script: the form posts and the page comes back. With the script
(static/js/stand-leads.js) an entry is kept on the device first and sent when the network
allows, as JSON-answered posts; the entry's `client_key` makes a second sending harmless.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.forms import country_choices
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.channels.models import Channel, Nomination
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.i18n import UI_LOCALES
from marketplace.interests.models import Interest, StandVisitor
from marketplace.interests.stand_leads import (
    LeadData,
    capturable,
    capture_lead,
    consent_text,
    may_capture,
)
from marketplace.reference.models import PartnerCity
from marketplace.stand.forms import LeadForm

bp = Blueprint("stand_leads", __name__, url_prefix="/stand")
restrict_blueprint(bp, Role.COORDINATOR, Role.OFFICER, Role.ADMIN, Role.MSME)

RECENT = 20


def _channel(channel_id: int) -> Channel:
    channel = db.get_or_404(Channel, channel_id)
    if not may_capture(me(), channel):
        abort(404)
    return channel


def _visitor_locale(channel: Channel) -> str:
    city = db.session.get(PartnerCity, channel.partner_city_id) if channel.partner_city_id else None
    locale = (city.locale if city else None) or channel.locale
    return locale if locale in UI_LOCALES else "en"


def _form(channel: Channel, nominations: list[Nomination], posted: bool = False) -> LeadForm:
    if posted:
        form = LeadForm()
    else:
        data = {
            "client_key": uuid.uuid4().hex,
            "locale": _visitor_locale(channel),
            "country": channel.country_code,
        }
        form = LeadForm(formdata=None, data=data)
    form.nomination.choices = [
        (n.id, f"{n.shelf_code} · {n.product.name}" if n.shelf_code else n.product.name)
        for n in nominations
    ]
    form.country.choices = country_choices()
    form.locale.choices = list(UI_LOCALES.items())
    return form


def _nominations(channel: Channel) -> list[Nomination]:
    return list(db.session.scalars(capturable(me(), channel)))


def _page(channel: Channel, form: LeadForm, nominations: list[Nomination]) -> str:
    recent = db.session.scalars(
        sa.select(Interest)
        .join(Interest.visitor)
        .where(Interest.channel_id == channel.id, StandVisitor.captured_by_id == me().id)
        .order_by(Interest.id.desc())
        .limit(RECENT)
    ).all()
    return render_template(
        "stand/leads.html",
        channel=channel,
        form=form,
        recent=recent,
        consents={code: consent_text(code, channel) for code in UI_LOCALES},
        # What the script matches a typed shelf code or a scanned tag's address against.
        codes={n.shelf_code: n.id for n in nominations if n.shelf_code},
        tags={n.qr_token: n.id for n in nominations if n.qr_token},
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/<int:channel_id>/leads")
def leads(channel_id: int) -> str:
    channel = _channel(channel_id)
    nominations = _nominations(channel)
    return _page(channel, _form(channel, nominations), nominations)


@bp.post("/<int:channel_id>/leads")
def capture(channel_id: int) -> Response | str | tuple[Any, int]:
    channel = _channel(channel_id)
    nominations = _nominations(channel)
    form = _form(channel, nominations, posted=True)
    if not form.validate_on_submit():
        if _wants_json():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return jsonify(ok=False, errors=errors), 400
        return _page(channel, form, nominations), 400
    data = LeadData(
        name=form.name.data or "",
        email=form.email.data,
        whatsapp=form.whatsapp.data,
        country_code=form.country.data or "",
        locale=form.locale.data or "",
        quantity=form.quantity.data,
        note=form.note.data or "",
        consent=bool(form.consent.data),
    )
    try:
        interest, new = capture_lead(
            channel, me(), form.nomination.data or 0, data, form.client_key.data or ""
        )
    except ServiceError as error:
        db.session.rollback()
        if _wants_json():
            return jsonify(ok=False, errors={"": [str(error.message)]}), 400
        form.form_errors.append(str(error.message))
        return _page(channel, form, nominations), 400
    db.session.commit()
    if _wants_json():
        return jsonify(ok=True, id=interest.id, new=new)
    flash(
        _(
            "The lead is kept; %(business)s will hear of it.",
            business=interest.product.business.name,
        ),
        "success",
    )
    return redirect(url_for(".leads", channel_id=channel.id))
