"""The privacy notice (/privacy), a buyer's own data (/my/data: download, delete the account),
and a stand visitor's own data (/privacy/visitor/<token>, the link in their confirmation mail).

The notice is public and in every language. The visitor's page is reached only by the signed
link; it answers 404 to anything else, so it says nothing about who was met where.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import logout_user
from werkzeug.wrappers import Response as BaseResponse

from marketplace.accounts.current import me
from marketplace.accounts.guards import check_role
from marketplace.accounts.models import Role
from marketplace.accounts.tokens import TokenError
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.forms import Form
from marketplace.interests.models import StandVisitor
from marketplace.privacy import services
from marketplace.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__)

PageResponse = str | BaseResponse | tuple[str, int]


def _json_download(data: dict[str, Any], filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.get("/privacy")
def notice() -> str:
    return render_template(
        "privacy/notice.html",
        visitor_days=services.VISITOR_KEEP_DAYS,
    )


def _buyer() -> BaseResponse | None:
    """Anonymous people log in first; any other role gets 403."""
    return check_role(Role.BUYER)


def _my_page(form: DeleteAccountForm | None = None) -> str:
    user = me()
    return render_template(
        "privacy/my_data.html",
        form=form or DeleteAccountForm(formdata=None),
        has_password=user.has_password,
    )


@bp.get("/my/data")
def my_data() -> PageResponse:
    denied = _buyer()
    if denied is not None:
        return denied
    return _my_page()


@bp.get("/my/data.json")
def my_data_download() -> BaseResponse:
    denied = _buyer()
    if denied is not None:
        return denied
    return _json_download(services.buyer_data(me()), "my-data.json")


@bp.post("/my/data/delete")
def delete_account() -> PageResponse:
    denied = _buyer()
    if denied is not None:
        return denied
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _my_page(form), 400
    try:
        services.delete_buyer(me(), form.confirmation.data or "")
    except ServiceError as error:
        db.session.rollback()
        form.confirmation.errors = [str(error.message)]
        return _my_page(form), 400
    db.session.commit()
    logout_user()
    flash(_("Your account is deleted. Thank you for your visits."), "success")
    return redirect(url_for("main.home"))


def _visitor(token: str) -> StandVisitor:
    if len(token) > 500:
        abort(404)
    try:
        return services.visitor_by_token(token)
    except TokenError:
        abort(404)


@bp.get("/privacy/visitor/<token>")
def visitor(token: str) -> str:
    found = _visitor(token)
    return render_template(
        "privacy/visitor.html",
        token=token,
        visitor=found,
        data=services.visitor_data(found),
        form=Form(formdata=None),
    )


@bp.get("/privacy/visitor/<token>/data.json")
def visitor_download(token: str) -> Response:
    return _json_download(services.visitor_data(_visitor(token)), "my-data.json")


@bp.post("/privacy/visitor/<token>/delete")
def visitor_delete(token: str) -> BaseResponse:
    found = _visitor(token)
    form = Form()
    if form.validate_on_submit():
        services.erase_visitor(found)
        db.session.commit()
        flash(_("Your details are deleted."), "success")
    return redirect(url_for(".visitor", token=token))
