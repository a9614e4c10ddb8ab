"""What an MSME owner is told when the office decides on a change of the business's name, NIB
or district (receivers of `businesses.events`, connected in `receivers.connect`)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from marketplace.businesses.models import Business
from marketplace.notifications import notify


def _dashboard_path() -> str:
    """The owner's dashboard as a path inside the site (the form notifications keep links in)."""
    if has_request_context():
        return url_for("workspace.dashboard")
    return current_app.url_map.bind("").build("workspace.dashboard")


def change_approved(business: Business) -> None:
    notify.notify(
        business.owner,
        "business_identity",
        _l(
            "The trade office approved the new details of your business: %(name)s.",
            name=notify.one_line(business.name),
        ),
        _dashboard_path(),
    )


def change_rejected(business: Business, *, reason: str) -> None:
    notify.notify(
        business.owner,
        "business_identity",
        _l(
            "The trade office did not accept the change of your business details: %(reason)s",
            reason=notify.one_line(reason),
        ),
        _dashboard_path(),
    )
