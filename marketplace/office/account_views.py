"""Accounts: people listed and searched by role, status and name; one account's page with its
business and history; suspension and reactivation, always with a reason.

A suspended person cannot log in (every session ends at once). A business is suspended from its
own page: its products leave the catalog, search and the channels' line-ups, and its waiting
nominations pause, until it is reinstated. Officers decide about accounts and businesses; there
is no office page that edits what an owner wrote.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from marketplace.accounts.current import me
from marketplace.accounts.models import Role, User, UserStatus
from marketplace.db import db
from marketplace.inputs import page_number
from marketplace.office import decisions, queries
from marketplace.office.blueprint import bp
from marketplace.office.forms import AccountFilterForm, RecordReasonForm
from marketplace.office.review_views import PageResponse, decide, history

PER_PAGE = 30


@bp.get("/accounts")
def accounts() -> PageResponse:
    form = AccountFilterForm(request.args)
    valid = form.validate()
    query = queries.accounts(
        form.q.data or "" if valid else "",
        Role(form.role.data) if valid and form.role.data else None,
        UserStatus(form.status.data) if valid and form.status.data else None,
    )
    page = db.paginate(
        query,
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    html = render_template("office/accounts.html", form=form, page=page, args=args)
    return html if valid else (html, 400)


def _account_page(user: User, failed: dict[str, RecordReasonForm] | None = None) -> str:
    seen = decisions.seen_token(user)
    failed = failed or {}
    forms = {
        name: failed.get(name) or RecordReasonForm(formdata=None, data={"seen": seen}, prefix=name)
        for name in ("suspend", "reactivate")
    }
    return render_template(
        "office/account.html",
        user=user,
        business=db.session.scalar(queries.business_of_owner(user.id)),
        suspend_form=forms["suspend"],
        reactivate_form=forms["reactivate"],
        history=history("user", user.id),
        may_moderate=user.id != me().id and (not user.is_staff or me().role == Role.ADMIN),
    )


@bp.get("/accounts/<int:user_id>")
def account(user_id: int) -> str:
    return _account_page(db.get_or_404(User, user_id))


@bp.post("/accounts/<int:user_id>/suspend")
def suspend_account(user_id: int) -> PageResponse:
    user = db.get_or_404(User, user_id)
    form = RecordReasonForm(prefix="suspend")
    if not form.validate_on_submit():
        return _account_page(user, {"suspend": form}), 400
    seen, reason, name = form.seen.data or "", form.reason.data or "", user.name
    back = url_for(".account", user_id=user_id)
    return decide(
        lambda: decisions.suspend_user(user_id, me(), seen, reason),
        _("%(name)s is suspended and can no longer log in.", name=name),
        back,
        back,
    )


@bp.post("/accounts/<int:user_id>/reactivate")
def reactivate_account(user_id: int) -> PageResponse:
    user = db.get_or_404(User, user_id)
    form = RecordReasonForm(prefix="reactivate")
    if not form.validate_on_submit():
        return _account_page(user, {"reactivate": form}), 400
    seen, reason, name = form.seen.data or "", form.reason.data or "", user.name
    back = url_for(".account", user_id=user_id)
    return decide(
        lambda: decisions.reactivate_user(user_id, me(), seen, reason),
        _("%(name)s can log in again.", name=name),
        back,
        back,
    )
