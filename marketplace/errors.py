"""The one error type services raise, and the error pages and JSON answers people get."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response as BaseResponse

from marketplace.db import db


class ServiceError(Exception):
    """A rule of the marketplace was not met; `message` is safe to show to the person.

    The message is lazy (`lazy_gettext`): a service may run before the reader's language is
    known, or outside a request, and the text is translated when it is shown.
    """

    def __init__(self, message: LazyString) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(ServiceError):
    """Someone else changed the record first."""


TITLES = {
    400: _l("The request could not be understood"),
    401: _l("A valid API token is needed"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This action is not available here"),
    409: _l("Someone else changed this first"),
    413: _l("The upload is too large"),
    422: _l("This cannot be done"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable"),
}

EXPLANATIONS = {
    400: _l("Please go back, reload the page and try again."),
    401: _l("Send an API token in the Authorization header: Bearer <token>."),
    403: _l("Your account does not have access to this page."),
    404: _l("The address may be mistyped, or the page has been removed."),
    405: _l("Please go back and use the buttons on the page."),
    409: _l("Please load it again and look at it before you decide."),
    413: _l("Please choose smaller files and try again."),
    422: _l("A rule of the marketplace does not allow it."),
    429: _l("Please wait a little before you try again."),
    500: _l("The error has been logged. Please try again in a moment."),
    503: _l("Please try again in a moment."),
}


# In `app.extensions`: how the API answers an error of an /api/ address (`api.base`: a problem
# of RFC 9457), given the status, a detail and the exception.
API_ERRORS = "marketplace.api_errors"
ApiErrors = Callable[[int, "str | None", "Exception | None"], Response]


def _api_answer(code: int, detail: str | None, error: Exception | None) -> Response | None:
    answer: ApiErrors | None = current_app.extensions.get(API_ERRORS)
    if answer is None or not request.path.startswith("/api/"):
        return None
    return answer(code, detail, error)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def error_response(code: int, detail: str | None = None) -> tuple[Response | str, int]:
    title = str(TITLES.get(code, TITLES[500]))
    text = detail or str(EXPLANATIONS.get(code, EXPLANATIONS[500]))
    if wants_json():
        return jsonify(error={"code": code, "title": title, "detail": text}), code
    return render_template("errors/error.html", code=code, title=title, detail=text), code


def register_error_handlers(app: Flask) -> None:
    def handle_http(error: HTTPException) -> BaseResponse:
        code = error.code or 500
        if code < 400:
            return error.get_response()
        api = _api_answer(code, None, error)
        if api is not None:
            return api
        if code >= 500:
            db.session.rollback()
        known = code if code in TITLES else (500 if code >= 500 else 400)
        body, _ = error_response(known)
        response = app.make_response((body, code))
        # Keep headers such as Allow (405) and Retry-After (429).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    def handle_csrf(error: CSRFError) -> tuple[Response | str, int] | Response:
        api = _api_answer(400, error.description, error)  # "The CSRF token is missing."
        if api is not None:
            return api
        return error_response(
            400, str(_l("The form had expired or did not come from this site. Please try again."))
        )

    def handle_unexpected(error: Exception) -> tuple[Response | str, int] | Response:
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        api = _api_answer(500, None, None)
        return api if api is not None else error_response(500)

    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
