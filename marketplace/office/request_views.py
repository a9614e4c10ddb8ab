"""Buying requests as the office sees them: every request with its quotes and how many MSMEs
it went to, and, where the office screens requests, the ones waiting to go out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.inputs import page_number
from marketplace.office.blueprint import bp
from marketplace.rfq import queries, services
from marketplace.rfq.forms import ScreenForm
from marketplace.rfq.models import BuyingRequest, RequestStatus

PER_PAGE = 50


@bp.get("/requests")
def buying_requests() -> str:
    raw = request.args.get("status", "")
    status = RequestStatus(raw) if raw in set(RequestStatus) else None
    page = db.paginate(
        queries.office_requests(status),
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "office/buying_requests.html",
        page=page,
        status=status,
        statuses=list(RequestStatus),
        screening=services.screens_requests(),
        waiting=db.session.scalar(queries.waiting_count()) or 0,
        forms={
            found.id: ScreenForm(formdata=None, prefix=f"s{found.id}")
            for found in page.items
            if found.status == RequestStatus.SCREENING
        },
    )


@bp.post("/requests/<int:request_id>/screen")
def screen_request(request_id: int) -> Response:
    found = db.session.get(BuyingRequest, request_id)
    if found is None:
        abort(404)
    form = ScreenForm(prefix=f"s{request_id}")
    back = redirect(url_for(".buying_requests", status=RequestStatus.SCREENING.value))
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields."), "error")
        return back
    try:
        if form.reject.data:
            services.reject(found, me(), form.reason.data or "")
        else:
            services.approve(found, me())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    title = found.title
    db.session.commit()
    if form.reject.data:
        flash(_("“%(title)s” is not sent out; the buyer is told why.", title=title), "success")
    else:
        flash(_("“%(title)s” is sent to the matching businesses.", title=title), "success")
    return back
