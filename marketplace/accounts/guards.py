"""Role guards: one place decides who may open a view or a whole blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.extensions import login_manager


def check_role(*roles: Role) -> Response | None:
    """Anonymous people are sent to log in; a signed-in person with another role gets 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if roles and current_user.role not in roles:
        abort(403)
    return None


def restrict_blueprint(
    bp: Blueprint, *roles: Role, visitors_may_open: tuple[str, ...] = ()
) -> None:
    """Every view of `bp` requires one of `roles` (any signed-in person when none are given).

    The endpoints in `visitors_may_open` let visitors without an account through; such a view
    serves them a page of their own and guards the signed-in itself (`check_role`).
    """

    @bp.before_request
    def _guard() -> Response | None:
        if request.endpoint in visitors_may_open and not current_user.is_authenticated:
            return None
        return check_role(*roles)
