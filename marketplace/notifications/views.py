"""The notifications page (/notifications): what happened, unread first; opening one marks it
read. Also the navigation's unread count, computed once per page for signed-in people."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.db import db
from marketplace.inputs import page_number
from marketplace.notifications import notify, queries

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
restrict_blueprint(bp)

PER_PAGE = 30


@bp.get("/")
def index() -> str:
    page = db.paginate(
        queries.notifications_of(me().id),
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    return render_template("notifications/index.html", page=page)


@bp.post("/read")
def mark_all_read() -> Response:
    if notify.mark_all_read(me()):
        db.session.commit()
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))


def nav_counts() -> dict[str, int]:
    """The unread count for the navigation, queried at most once per request."""
    if "nav_counts" not in g:
        counts: dict[str, int] = {}
        if current_user.is_authenticated:
            counts["notifications"] = db.session.scalar(queries.unread_count(current_user.id)) or 0
        g.nav_counts = counts
    counts_now: dict[str, int] = g.nav_counts
    return counts_now


def init_nav_counts(app: Flask) -> None:
    @app.context_processor
    def _nav_counts() -> dict[str, Any]:
        if not has_request_context():
            return {}
        try:
            return {"nav_counts": nav_counts()}
        except sa.exc.SQLAlchemyError:
            # An error page must render even when the database cannot answer.
            current_app.logger.exception("Could not count unread notifications")
            g.nav_counts = {}
            return {"nav_counts": {}}
