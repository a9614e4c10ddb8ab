"""What an MSME owner is told when the office decides on a change of the business's name, NIB
or district (receivers of `businesses.events`, connected in `receivers.connect`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.businesses.models import Business
from marketplace.notifications.decisions import tell_owner
from marketplace.notifications.notify import one_line


def change_approved(business: Business) -> None:
    tell_owner(
        business,
        _l(
            "The trade office approved the new details of your business: %(name)s.",
            name=one_line(business.name),
        ),
        None,
        "workspace.dashboard",
    )


def change_rejected(business: Business, *, reason: str) -> None:
    # The reason is part of the sentence, in the app and in the mail alike.
    tell_owner(
        business,
        _l(
            "The trade office did not accept the change of your business details: %(reason)s",
            reason=one_line(reason),
        ),
        None,
        "workspace.dashboard",
    )
