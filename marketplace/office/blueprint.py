"""The office's blueprint (/office), closed to everyone but officers and admins, and the queue
counts its navigation shows.

The pages are split by subject (`queue_views`, `review_views`, `abuse_views`, `account_views`,
`audit_views`, `rate_views`, `report_views`); `office.views` imports them all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, g
from flask_babel import format_decimal
from flask_login import current_user

from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.office.queries import QueueCounts, queue_counts

bp = Blueprint("office", __name__, url_prefix="/office")
restrict_blueprint(bp, Role.OFFICER, Role.ADMIN)


def office_queue_counts() -> QueueCounts:
    """The four queue lengths, counted at most once per request and only for staff."""
    if "office_queue_counts" not in g:
        counts = QueueCounts()
        if current_user.is_authenticated and current_user.is_staff:
            try:
                row = db.session.execute(queue_counts()).one()
                counts = QueueCounts(*(int(value or 0) for value in row))
            except sa.exc.SQLAlchemyError:
                # An error page must render even when the database cannot answer.
                current_app.logger.exception("Could not count the office's queues")
        g.office_queue_counts = counts
    found: QueueCounts = g.office_queue_counts
    return found


@bp.app_template_filter("rate")
def rate_filter(value: Decimal) -> str:
    """A rate without trailing zeros, digits grouped: "17,250" or "11.6"."""
    return format_decimal(Decimal(value), format="#,##0.######")


@bp.app_context_processor
def _queue_counts() -> dict[str, Any]:
    # A function, so pages that do not show the office's navigation never run the count.
    return {"office_queue_counts": office_queue_counts}
