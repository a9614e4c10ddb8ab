"""Per-person rate limits on what buyers and owners send, and the clear page a limit shows.

Limits count per account (not per network: a fair's Wi-Fi is shared by many buyers), and only
requests that went through, so a form returned with a mistake costs nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from marketplace.errors import error_response

INTEREST_LIMIT = "10 per hour; 30 per day"
MESSAGE_LIMIT = "60 per hour"
REPORT_LIMIT = "10 per day"
SHORTLIST_LIMIT = "200 per hour"


def per_account() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def went_through(response: Response) -> bool:
    """A redirect means the form was accepted; a page with errors does not count."""
    return response.status_code in (302, 303)


def interest_limit_text() -> str:
    return _(
        "You have expressed interest many times in a short while. To protect the businesses "
        "from spam, a buyer can send at most 10 interests an hour and 30 a day. Please try "
        "again later; go back to keep what you wrote."
    )


def message_limit_text() -> str:
    return _(
        "You have sent many messages in a short while. To keep conversations free of spam, "
        "at most 60 messages an hour can be sent. Please try again later; go back to keep "
        "what you wrote."
    )


def report_limit_text() -> str:
    return _("You have sent many reports today. Please try again tomorrow.")


def shortlist_limit_text() -> str:
    return _("You have changed your shortlist many times in a short while. Please try again later.")


def explain_limits(bp: Blueprint) -> None:
    """Show a limit's own explanation on the 429 page of `bp`'s views."""

    @bp.errorhandler(429)
    def _too_many(error: TooManyRequests) -> Response:
        body, code = error_response(429, error.description or None)
        response = current_app.make_response((body, code))
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
