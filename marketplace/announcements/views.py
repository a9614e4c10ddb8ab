"""Announcements' pages: the office's (/office/announcements: list with read counts, write,
preview, send, who read it) and an MSME owner's (/my/announcements: those sent to them;
opening one records its reading)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.announcements import queries, services
from marketplace.announcements.forms import AnnouncementForm, SendForm
from marketplace.announcements.models import Announcement, AnnouncementStatus
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.inputs import page_number
from marketplace.page_writes import write_after_read
from marketplace.reference.models import Certification, Subsector

bp = Blueprint("announcements", __name__, url_prefix="/office/announcements")
restrict_blueprint(bp, Role.OFFICER, Role.ADMIN)

my_bp = Blueprint("my_announcements", __name__, url_prefix="/my/announcements")
restrict_blueprint(my_bp, Role.MSME)

PER_PAGE = 30
PageResponse = Response | str | tuple[str, int]


def _announcement(announcement_id: int) -> Announcement:
    return db.get_or_404(Announcement, announcement_id)


def audience_words(announcement: Announcement) -> list[tuple[str, list[str]]]:
    """Each criterion chosen, with its choices in the reader's words."""
    locale = str(get_locale() or "en")
    words: list[tuple[str, list[str]]] = []
    if announcement.subsector_codes:
        rows = db.session.scalars(
            sa.select(Subsector).where(Subsector.code.in_(announcement.subsector_codes))
        )
        words.append((_("Subsectors"), sorted(s.name_for(locale) for s in rows)))
    if announcement.districts:
        words.append((_("Districts of Bandung"), list(announcement.districts)))
    if announcement.certification_codes:
        names = db.session.scalars(
            sa.select(Certification.name).where(
                Certification.code.in_(announcement.certification_codes)
            )
        )
        words.append((_("Certifications held"), sorted(names)))
    if announcement.channel_ids:
        names = db.session.scalars(
            sa.select(Channel.name).where(Channel.id.in_(announcement.channel_ids))
        )
        words.append((_("Taking part in a channel"), sorted(names)))
    return words


# ---------------------------------------------------------------------------------------------
# The office


@bp.get("/")
def index() -> str:
    page = db.paginate(
        queries.newest_first(),
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    ids = [announcement.id for announcement in page.items]
    counts = {row[0]: (row[1], row[2]) for row in db.session.execute(queries.counts(ids))}
    return render_template("announcements/index.html", page=page, counts=counts)


def _form_page(form: AnnouncementForm, announcement: Announcement | None) -> str:
    return render_template("announcements/edit.html", form=form, announcement=announcement)


@bp.route("/new", methods=["GET", "POST"])
def new() -> PageResponse:
    form = AnnouncementForm()
    form.fill_choices()
    if form.validate_on_submit():
        try:
            announcement = services.create_announcement(me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(_("The announcement is saved. Check whom it reaches, then send it."), "success")
            return redirect(url_for(".show", announcement_id=announcement.id))
    return _form_page(form, None), (400 if form.is_submitted() else 200)


@bp.route("/<int:announcement_id>/edit", methods=["GET", "POST"])
def edit(announcement_id: int) -> PageResponse:
    announcement = _announcement(announcement_id)
    if announcement.status != AnnouncementStatus.DRAFT:
        flash(_("This announcement is sent already: it can no longer change."), "error")
        return redirect(url_for(".show", announcement_id=announcement.id))
    form = AnnouncementForm(obj=announcement)
    form.fill_choices()
    if not form.is_submitted():
        form.fill_from(announcement)
    if form.validate_on_submit():
        try:
            services.update_announcement(announcement, me(), form.to_data())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(_("The announcement is saved."), "success")
            return redirect(url_for(".show", announcement_id=announcement.id))
    return _form_page(form, announcement), (400 if form.is_submitted() else 200)


@bp.get("/<int:announcement_id>")
def show(announcement_id: int) -> str:
    announcement = _announcement(announcement_id)
    page: dict[str, Any] = {
        "announcement": announcement,
        "audience": audience_words(announcement),
    }
    if announcement.status == AnnouncementStatus.DRAFT:
        page["reached"] = services.reached(announcement)
        page["send_form"] = SendForm()
    else:
        row = db.session.execute(queries.counts([announcement.id])).first()
        page["sent"], page["read"] = (row[1], row[2]) if row else (0, 0)
        page["recipients"] = db.session.execute(queries.recipients(announcement.id)).all()
    return render_template("announcements/show.html", **page)


@bp.post("/<int:announcement_id>/send")
def send(announcement_id: int) -> Response:
    announcement = _announcement(announcement_id)
    back = redirect(url_for(".show", announcement_id=announcement_id))
    if not SendForm().validate_on_submit():
        abort(400)
    try:
        count = services.send_announcement(announcement, me())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    flash(
        ngettext(
            "The announcement is sent to %(num)d MSME.",
            "The announcement is sent to %(num)d MSMEs.",
            count,
        ),
        "success",
    )
    return back


# ---------------------------------------------------------------------------------------------
# An MSME owner's


@my_bp.get("/", endpoint="index")
def my_index() -> str:
    rows = db.session.execute(queries.sent_to(me().id)).all()
    return render_template("announcements/my_index.html", rows=rows)


@my_bp.get("/<int:announcement_id>", endpoint="show")
def my_show(announcement_id: int) -> str:
    """Opening it records the first reading, by design (see `marketplace.page_writes`), in a
    short write of its own that never fails the page."""
    user_id = me().id
    recipient = db.session.scalar(queries.received(announcement_id, user_id))
    if recipient is None:
        abort(404)  # never sent to this owner: for them it does not exist
    write_after_read(
        lambda: services.mark_read(announcement_id, user_id), "an announcement's reading"
    )
    announcement = db.session.get_one(Announcement, announcement_id)
    language = Announcement.language_for(me().locale)
    return render_template(
        "announcements/my_show.html",
        announcement=announcement,
        language=language,
    )
