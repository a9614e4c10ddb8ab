"""Accounts: people listed and searched by role, status and name; one account's page with its
business and history; suspension and reactivation, always with a reason.

A suspended person cannot log in (every session ends at once). A business is suspended from its
own page: its products leave the catalog, search and the channels' line-ups, and its waiting
nominations pause, until it is reinstated. Officers decide about accounts and businesses; there
is no office page that edits what an owner wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from marketplace.accounts.current import me
from marketplace.accounts.models import Role, User, UserStatus
from marketplace.db import db
from marketplace.inputs import page_number
from marketplace.office import decisions, queries
from marketplace.office.blueprint import bp
from marketplace.office.forms import AccountFilterForm, RecordReasonForm
from marketplace.office.review_views import PageResponse, decide, history
from marketplace.spreadsheets import Format, spreadsheet_response

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
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    html = render_template(
        "office/accounts.html",
        form=form,
        page=page,
        args=args,
        csv_url=url_for(".accounts_file", fmt="csv", **args),
        xlsx_url=url_for(".accounts_file", fmt="xlsx", **args),
    )
    return html if valid else (html, 400)


ACCOUNTS_HEADER = [
    "id",
    "name",
    "email",
    "role",
    "status",
    "email_verified_at",
    "created_at",
    "last_login_at",
    "company_or_business",
    "country",
]


@bp.get("/accounts.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/accounts.csv", defaults={"fmt": "csv"})
def accounts_file(fmt: Format) -> PageResponse:
    """The accounts the page's filters find, every one of them (not a page), as CSV or XLSX."""
    form = AccountFilterForm(request.args)
    if not form.validate():
        return accounts()
    query = queries.accounts(
        form.q.data or "",
        Role(form.role.data) if form.role.data else None,
        UserStatus(form.status.data) if form.status.data else None,
    ).options(selectinload(User.buyer_profile))
    businesses = {
        owner: name for owner, name in db.session.execute(queries.business_names_by_owner())
    }

    def rows() -> Iterator[list[Any]]:
        for user in db.session.scalars(query):
            profile = user.buyer_profile
            yield [
                user.id,
                user.name,
                user.email,
                user.role.value,
                user.status.value,
                _iso(user.email_verified_at),
                _iso(user.created_at),
                _iso(user.last_login_at),
                profile.company if profile else businesses.get(user.id, ""),
                profile.country_code if profile else "",
            ]

    return spreadsheet_response("accounts", ACCOUNTS_HEADER, rows(), fmt)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


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
