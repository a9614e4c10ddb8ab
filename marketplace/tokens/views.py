"""The person's API tokens (/auth/tokens): make one (its secret is shown once, on the page the
form answers with), see them listed without their secrets, revoke one.

The page that shows a new secret is not kept by the browser (`no-store`) and is not a redirect:
the secret never goes into the session cookie or a flashed message.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db, utcnow
from marketplace.errors import ServiceError
from marketplace.forms import Form
from marketplace.tokens import queries
from marketplace.tokens.forms import TokenForm
from marketplace.tokens.models import ApiToken, TokenScope
from marketplace.tokens.services import (
    MAX_ACTIVE,
    TOKEN_ROLES,
    NewToken,
    create_token,
    revoke_token,
)
from marketplace.urls import public_url

bp = Blueprint("api_tokens", __name__, url_prefix="/auth/tokens")
restrict_blueprint(bp, *TOKEN_ROLES)

# The page's example request: a list each role has (the API's endpoints, by name).
EXAMPLES = {
    Role.MSME: "api_owner.products",
    Role.BUYER: "api_buyer.interests",
    Role.OFFICER: "api_office.product_queue",
    Role.ADMIN: "api_office.product_queue",
}


def _fresh_form() -> TokenForm:
    form = TokenForm(formdata=None)
    form.submission_key.data = secrets.token_urlsafe(24)
    return form


def _page(form: TokenForm, made: NewToken | None = None, status: int = 200) -> Response:
    tokens = db.session.scalars(queries.tokens_of(me().id)).all()
    response = Response(
        render_template(
            "tokens/index.html",
            form=form,
            made=made,
            tokens=tokens,
            now=utcnow(),
            max_active=MAX_ACTIVE,
            example_url=public_url(EXAMPLES[me().role]),
        ),
        status=status,
        mimetype="text/html",
    )
    response.cache_control.no_store = True
    return response


@bp.route("/", methods=["GET", "POST"])
def index() -> Response:
    form = TokenForm()
    if not form.is_submitted():
        return _page(_fresh_form())
    if form.validate():
        try:
            made = create_token(
                me(),
                form.name.data or "",
                TokenScope(form.scope.data),
                int(form.expires.data or 0),
                submission_key=form.submission_key.data,
            )
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            return _page(_fresh_form(), made)
    return _page(form, status=400)


def _own_token(token_id: int) -> ApiToken:
    token = db.session.scalar(queries.own_token(me().id, token_id))
    if token is None:
        abort(404)
    return token


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    token = _own_token(token_id)
    if not Form().validate_on_submit():
        abort(400)
    name = token.name
    try:
        revoke_token(token, me())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The token %(name)s is revoked: it no longer works.", name=name), "success")
    return redirect(url_for(".index"))
