"""How the API sits in the application: flask-smorest's Api and Blueprint, adjusted so that
the project's error handling stays the only one.

flask-smorest installs an application-wide handler for every HTTP error; that would answer
the HTML pages' errors with JSON too, so `MarketplaceApi` leaves the application's handlers
alone and the API blueprint answers its own errors in the project's JSON shape
(`{"error": {"code", "title", "detail"}}`). Bad query arguments are a 400 naming each field,
not webargs' 422.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_babel import force_locale
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from marketplace.api.schemas import ErrorSchema
from marketplace.db import db
from marketplace.errors import TITLES, error_response


class MarketplaceApi(Api):
    """The OpenAPI document and blueprint registry; errors stay with marketplace.errors."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Nothing: the application's handlers answer /api/ paths in JSON already."""


class QueryParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = QueryParser()


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


def json_error(error: HTTPException) -> Response:
    """An HTTP error of an API route, in English (programs parse it; people read the pages)."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    known = code if code in TITLES else (500 if code >= 500 else 400)
    with force_locale("en"):
        body, _ = error_response(known, _detail(error))
    response = body if isinstance(body, Response) else Response(body)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_api(app: Flask, *blueprints: ApiBlueprint) -> MarketplaceApi:
    """One Api per application (tests build several apps), serving the OpenAPI document."""
    api = MarketplaceApi(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return api
