"""How the API sits in the application: flask-smorest's Api and Blueprint, adjusted so that
the project's error handling stays the only one, and the API's errors as problem details.

flask-smorest installs an application-wide handler for every HTTP error; that would answer
the HTML pages' errors with JSON too, so `MarketplaceApi` leaves the application's handlers
alone. Every error of an /api/ address, whoever raises it (a view, the argument parser, the rate
limit, CSRF, an unknown address, an unexpected exception), is answered here, by `problem_for`
or `problem_response`, as `application/problem+json` (RFC 9457):

    {"type": "https://<BASE_URL>/api/v1/problems/not-found", "title": "Not found",
     "status": 404, "detail": "...", "instance": "/api/v1/products/no-such-thing",
     "error": {"code": 404, "title": "Page not found", "detail": "..."}}

`type` is stable per kind of error (`PROBLEMS`) and its address is a short page saying what it
means; `error` is the shape of the API's first months, kept inside v1 so that programs written
against it go on working. Bad query arguments are a 400 naming each field, not webargs' 422.
Titles and details are in English: programs parse them, people read the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NoReturn

import flask_smorest
from flask import Flask, Response, current_app, json, request
from flask_babel import force_locale
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from marketplace.api.schemas import ProblemSchema
from marketplace.db import db
from marketplace.errors import API_ERRORS, EXPLANATIONS, TITLES
from marketplace.urls import public_url

PROBLEM_JSON = "application/problem+json"
API_KEY = "marketplace.api"  # in `app.extensions`: the MarketplaceApi (its OpenAPI document)


@dataclass(frozen=True)
class Problem:
    """A kind of error: its slug (the last part of its `type` address), status and words."""

    slug: str
    status: int
    title: str
    meaning: str  # what the type's page says: when it happens and what to do


PROBLEMS: dict[str, Problem] = {
    problem.slug: problem
    for problem in (
        Problem(
            "bad-argument",
            400,
            "Bad argument",
            "An argument of the request is not understood: a value out of range, a code that "
            "is not a slug, a cursor that belongs to another listing. The detail names each "
            "field. Correct the request; sending it again unchanged gives the same answer.",
        ),
        Problem(
            "unauthorized",
            401,
            "Unauthorized",
            "The request needs credentials, and it carries none or they are not valid (an "
            "expired or revoked token). Send a valid token.",
        ),
        Problem(
            "forbidden",
            403,
            "Forbidden",
            "The credentials are valid but do not allow this request. Asking again will not help.",
        ),
        Problem(
            "not-found",
            404,
            "Not found",
            "Nothing public has this address: a product that is not published (or whose maker "
            "is not verified), a channel that is a draft, an unknown slug or address.",
        ),
        Problem(
            "method-not-allowed",
            405,
            "Method not allowed",
            "The address exists but not for this method; the Allow header lists the methods "
            "it takes.",
        ),
        Problem(
            "conflict",
            409,
            "Conflict",
            "The request conflicts with the current state of the record (someone changed it "
            "first). Read it again, then decide.",
        ),
        Problem(
            "refused",
            422,
            "Refused by a rule",
            "The request is understood, but a rule of the marketplace does not allow it now "
            "(a product that cannot be submitted in its status, a request that takes no more "
            "quotes): the detail says which, in the words the pages use. Nothing changed.",
        ),
        Problem(
            "too-large",
            413,
            "Request too large",
            "The request's body is larger than the site accepts.",
        ),
        Problem(
            "rate-limited",
            429,
            "Rate limited",
            "The client sent more requests than its budget allows (API_RATE_LIMIT, 300 a "
            "minute by default, for all public API addresses together; API_TOKEN_RATE_LIMIT, "
            "120 a minute, per token on a token's operations). Wait the number of seconds in "
            "the Retry-After header, then go on.",
        ),
        Problem(
            "client-error",
            400,
            "Client error",
            "Another error of the request (the status says which); it is not worth sending "
            "again unchanged.",
        ),
        Problem(
            "server-error",
            500,
            "Server error",
            "Something went wrong on the marketplace's side; the error is logged. Try again "
            "in a moment; if it lasts, tell the trade office.",
        ),
        Problem(
            "unavailable",
            503,
            "Service unavailable",
            "The marketplace cannot answer for the moment (maintenance, an overloaded "
            "database). Try again later, after Retry-After seconds when it is given.",
        ),
    )
}
_BY_STATUS = {p.status: p for p in PROBLEMS.values() if p.slug != "client-error"}


def problem_of(status: int, slug: str | None = None) -> Problem:
    """The kind of error named `slug`, else the one of `status` (another 4xx is a
    `client-error`, another 5xx a `server-error`)."""
    if slug is not None and slug in PROBLEMS:
        return PROBLEMS[slug]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return PROBLEMS["client-error" if status < 500 else "server-error"]


def problem_type(slug: str) -> str:
    """The absolute address of a problem type (its page)."""
    return public_url("api_reference.problem", slug=slug)


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The answer of an API error: `status`, a problem of `slug` (by default the one of the
    status: `problem_of`), `detail` saying what happened (by default the status's general
    words). For any API view: `return problem_response(401, "The token has expired.",
    headers={"WWW-Authenticate": "Bearer"})`, or raise an HTTPException (`abort(403,
    message=...)`), which comes here through `problem_for`."""
    if status >= 500:
        db.session.rollback()
    problem = problem_of(status, slug)
    known = status if status in TITLES else (500 if status >= 500 else 400)
    with force_locale("en"):
        text = detail or str(EXPLANATIONS[known])
        old_title = str(TITLES[known])
    body = {
        "type": problem_type(problem.slug),
        "title": problem.title,
        "status": status,
        "detail": text,
        "instance": request.full_path.rstrip("?") if request.query_string else request.path,
        # The shape of the API's first months, kept inside v1.
        "error": {"code": status, "title": old_title, "detail": text},
    }
    response = current_app.response_class(
        json.dumps(body) + "\n", status=status, mimetype=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def api_abort(status: int, detail: str, *, slug: str | None = None) -> NoReturn:
    """Stop a view with an error: answered as `problem_response(status, detail, slug=slug)`."""
    flask_smorest.abort(status, message=detail, **({"problem": slug} if slug else {}))
    raise AssertionError("flask_smorest.abort raises")  # pragma: no cover


def _detail(error: HTTPException) -> str | None:
    """What flask-smorest's `abort(message=...)` or a failed argument check says."""
    data: Any = getattr(error, "data", None)
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("message"), str):
        return str(data["message"])
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    problems = []
    for fields in messages.values():  # by location: {"query": {"field": ["message"]}}
        for name, texts in fields.items() if isinstance(fields, dict) else []:
            said = texts if isinstance(texts, list) else [texts]
            problems.append(f"{name}: {' '.join(str(text) for text in said)}")
    return "; ".join(problems) or None


def _slug(error: HTTPException) -> str | None:
    """`abort(409, message=..., problem="conflict")` names its problem type."""
    data: Any = getattr(error, "data", None)
    slug = data.get("problem") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) else None


def problem_for(error: HTTPException, detail: str | None = None) -> Response:
    """An HTTP error of an API address as a problem, keeping its headers (Allow, Retry-After)."""
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    return problem_response(
        error.code or 500, detail or _detail(error), slug=_slug(error), headers=headers
    )


def _unexpected(code: int, detail: str | None, error: Exception | None) -> Response:
    """What `marketplace.errors` answers for an /api/ address (see `API_ERRORS` there)."""
    if isinstance(error, HTTPException):
        return problem_for(error, detail)
    return problem_response(code, detail)


class MarketplaceApi(Api):
    """The OpenAPI document and blueprint registry; errors stay with marketplace.errors."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Nothing: `init_api` has the application's handlers answer /api/ paths."""

    def _register_responses(self) -> None:
        """flask-smorest's error responses (BAD_REQUEST, DEFAULT_ERROR...) as problems."""
        for name, response in _error_responses(self.ERROR_SCHEMA).items():
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(name, response, lazy=True)


def _error_responses(schema: type[ProblemSchema]) -> dict[str, dict[str, Any]]:
    responses: dict[str, dict[str, Any]] = {
        status.name: {"description": status.phrase, "schema": schema}
        for status in HTTPStatus
        if status >= 400
    }
    responses["DEFAULT_ERROR"] = {"description": "An error, as a problem", "schema": schema}
    return responses


class QueryParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = QueryParser()


def init_api(app: Flask, *blueprints: ApiBlueprint) -> MarketplaceApi:
    """One Api per application (tests build several apps), serving the OpenAPI document;
    every error of an /api/ address is a problem."""
    api = MarketplaceApi(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.extensions[API_ERRORS] = _unexpected
    app.extensions[API_KEY] = api
    return api
