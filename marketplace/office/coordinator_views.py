"""Channel coordinators (/office/coordinators): an admin opens an account for someone at a
showroom or a fair stand abroad and assigns the channels they work at; the new coordinator is
mailed a link to choose a password. Officers see the list; only admins change it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.models import Role, User
from marketplace.channels import coordinators
from marketplace.channels import queries as channel_queries
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.office.blueprint import bp
from marketplace.office.forms import AssignmentForm, CoordinatorForm

PageResponse = str | Response | tuple[str, int]


def _channel_choices() -> list[tuple[int, str]]:
    channels = db.session.scalars(channel_queries.all_channels()).all()
    return [(channel.id, f"{channel.name} ({channel.city})") for channel in channels]


def _admin_only() -> None:
    if me().role != Role.ADMIN:
        abort(403)


def _list_page(form: CoordinatorForm | None = None) -> str:
    people = db.session.scalars(
        sa.select(User).where(User.role == Role.COORDINATOR).order_by(User.name)
    ).all()
    if form is None and me().role == Role.ADMIN:
        form = CoordinatorForm(formdata=None)
    if form is not None:
        form.channel_ids.choices = _channel_choices()
    return render_template(
        "office/coordinators.html",
        people=[(person, coordinators.coordinated_channels(person)) for person in people],
        form=form,
    )


@bp.get("/coordinators")
def coordinator_list() -> str:
    return _list_page()


@bp.post("/coordinators")
def create_coordinator() -> PageResponse:
    _admin_only()
    form = CoordinatorForm()
    form.channel_ids.choices = _channel_choices()
    if not form.validate_on_submit():
        return _list_page(form), 400
    try:
        user = coordinators.create_coordinator(
            me(),
            email=form.email.data or "",
            name=form.name.data or "",
            locale=form.locale.data or "en",
            channel_ids=form.channel_ids.data or [],
        )
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _list_page(form), 400
    db.session.commit()
    flash(
        _("%(name)s's account is open; a link to choose a password is on its way.", name=user.name),
        "success",
    )
    return redirect(url_for(".coordinator_list"))


def _coordinator(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.role != Role.COORDINATOR:
        abort(404)
    return user


@bp.route("/coordinators/<int:user_id>", methods=["GET", "POST"])
def coordinator(user_id: int) -> PageResponse:
    user = _coordinator(user_id)
    current = coordinators.coordinated_channels(user)
    form = AssignmentForm(data={"channel_ids": [channel.id for channel in current]})
    form.channel_ids.choices = _channel_choices()
    if form.is_submitted():
        _admin_only()
        if form.validate():
            try:
                coordinators.assign_channels(me(), user, form.channel_ids.data or [])
            except ServiceError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                db.session.commit()
                flash(_("%(name)s's channels are saved.", name=user.name), "success")
                return redirect(url_for(".coordinator", user_id=user.id))
    html = render_template(
        "office/coordinator.html",
        user=user,
        channels=current,
        form=form if me().role == Role.ADMIN else None,
        Channel=Channel,
    )
    return (html, 400) if form.is_submitted() else html
