"""What the parties do inside a conversation: write, move the status (owner), withdraw (buyer),
report as spam (either). Officers read along but act from the office.

Every route loads the conversation through `get_interest` first, so anyone but its parties and
the office gets 404; a party using the other party's action gets 403.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.forms import Form
from marketplace.interests import limits, services, transitions
from marketplace.interests.access import Side, get_interest
from marketplace.interests.forms import (
    LostForm,
    MessageForm,
    ReportForm,
    StepForm,
    WithdrawForm,
    WonForm,
)
from marketplace.interests.labels import status_label
from marketplace.interests.models import Interest, InterestStatus
from marketplace.interests.reading import read_marker
from marketplace.interests.views import render_thread
from marketplace.money import RUPIAH

bp = Blueprint("conversations", __name__, url_prefix="/interests/<int:interest_id>")
restrict_blueprint(bp)
limits.explain_limits(bp)

PageResponse = str | Response | tuple[str, int]


def _load(interest_id: int, *sides: Side) -> tuple[Interest, Side]:
    interest, side = get_interest(interest_id)
    if side not in sides:
        abort(403)
    return interest, side


def _to_thread(interest_id: int, anchor: str = "messages") -> Response:
    return redirect(url_for("interests.thread", interest_id=interest_id, _anchor=anchor))


def _act(
    interest: Interest,
    side: Side,
    form: Form,
    form_name: str,
    action: Callable[[Interest], object],
    done: str,
    anchor: str = "messages",
) -> PageResponse:
    """Validate, call the service, commit and go back to the conversation; or show the errors."""
    interest_id = interest.id
    problem = None
    if form.validate_on_submit():
        try:
            action(interest)
        except ServiceError as error:
            db.session.rollback()
            # Shown above the conversation: the step's form may no longer be on the page.
            problem = str(error.message)
        else:
            db.session.commit()
            flash(done, "success")
            return _to_thread(interest_id, anchor)
        interest, side = get_interest(interest_id)
    return render_thread(
        interest,
        side,
        400,
        read_at=read_marker(interest, side),
        problem=problem,
        **{form_name: form},
    )


@bp.post("/messages")
@limiter.limit(
    limits.MESSAGE_LIMIT,
    key_func=limits.per_account,
    deduct_when=limits.went_through,
    error_message=limits.message_limit_text,
)
def post_message(interest_id: int) -> PageResponse:
    interest, side = _load(interest_id, Side.BUYER, Side.OWNER)
    form = MessageForm()
    return _act(
        interest,
        side,
        form,
        "message_form",
        lambda interest: services.post_message(interest, me(), form.body.data or ""),
        _("Your message is sent."),
    )


def _status_form() -> tuple[Form, str]:
    chosen = request.form.get("status", "")
    if chosen == InterestStatus.WON.value:
        return WonForm(), "won_form"
    if chosen == InterestStatus.LOST.value:
        return LostForm(), "lost_form"
    if chosen in (InterestStatus.REPLIED.value, InterestStatus.NEGOTIATING.value):
        return StepForm(), "step_form"
    abort(400)


def _change(form: Form) -> Callable[[Interest], None]:
    owner = me()
    if isinstance(form, WonForm):
        return lambda interest: transitions.record_won(
            interest,
            owner,
            form.won_quantity.data or 0,
            form.amount or 0,
            form.won_currency.data or RUPIAH,
            form.rate,
        )
    if isinstance(form, LostForm):
        return lambda interest: transitions.record_lost(
            interest, owner, form.lost_reason.data or ""
        )
    if request.form.get("status") == InterestStatus.REPLIED.value:
        return lambda interest: transitions.mark_replied(interest, owner)
    return lambda interest: transitions.start_negotiating(interest, owner)


@bp.post("/status")
def change_status(interest_id: int) -> PageResponse:
    interest, side = _load(interest_id, Side.OWNER)
    form, form_name = _status_form()
    status = InterestStatus(request.form["status"])
    return _act(
        interest,
        side,
        form,
        form_name,
        _change(form),
        _("The status is now: %(status)s.", status=status_label(status)),
        anchor="status",
    )


@bp.post("/withdraw")
def withdraw(interest_id: int) -> PageResponse:
    interest, side = _load(interest_id, Side.BUYER)
    return _act(
        interest,
        side,
        WithdrawForm(),
        "withdraw_form",
        lambda interest: transitions.withdraw(interest, me()),
        _("Your interest is withdrawn. The business is told."),
        anchor="status",
    )


@bp.post("/report")
@limiter.limit(
    limits.REPORT_LIMIT,
    key_func=limits.per_account,
    deduct_when=limits.went_through,
    error_message=limits.report_limit_text,
)
def report(interest_id: int) -> PageResponse:
    interest, side = _load(interest_id, Side.BUYER, Side.OWNER)
    form = ReportForm()
    done = (
        _("Thank you. The trade office will look at it, and the interest is marked as spam.")
        if side == Side.OWNER
        else _("Thank you. The trade office will look at it.")
    )
    return _act(
        interest,
        side,
        form,
        "report_form",
        lambda interest: transitions.report_spam(interest, me(), form.reason.data or ""),
        done,
        anchor="report",
    )
