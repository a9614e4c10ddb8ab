"""The API's private operations: who calls (a personal access token), what they may do (their
role, the token's scope), how often (a budget per token), and the shape of their refusals.

A request is authenticated by `Authorization: Bearer <token>` and by nothing else. The session
cookie of the pages does not count on these routes, which is why they need no CSRF token: a
browser adds cookies to a forged request by itself, but never a bearer token. So a cookie
alone is refused like no token at all (401), reads and writes alike.

- No token, an unknown one, a revoked or expired one, or one of an account that is not active:
  401 with `WWW-Authenticate: Bearer`.
- A token of another role than the operation's (a buyer's on the office's queue): 403.
- A read-only token on anything but GET/HEAD/OPTIONS: 403.
- Past the budget of `API_TOKEN_RATE_LIMIT` per token (Flask-Limiter, keyed by the token's
  id): 429 with Retry-After. The pages' own limits per person (messages, interests, requests)
  hold too.

The token's person becomes the request's `current_user`, so the pages' loaders (`get_own_*`,
404 for another's record) and services see the same person as on the pages. Using a token
marks its `last_used_at`, at most once a minute, after the answer is made (`page_writes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

from flask import Response, current_app, g, request
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from flask_limiter.util import get_remote_address
from flask_smorest import Api, abort
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from marketplace.accounts.models import Role
from marketplace.api.base import ApiBlueprint, api_abort
from marketplace.db import begin_write, db, utcnow
from marketplace.errors import ConflictError, ServiceError
from marketplace.extensions import csrf, limiter
from marketplace.page_writes import write_after_read
from marketplace.tokens.models import ApiToken, TokenScope
from marketplace.tokens.services import find_token, needs_touch, refusal, touch
from marketplace.web import SAFE_METHODS, WRITES_LATE

BEARER = "bearerAuth"  # the security scheme's name in the OpenAPI document
SECURITY: list[dict[str, list[str]]] = [{BEARER: []}]
CALLER = "_api_caller"  # on `g`
T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """The request's token when it may be used; otherwise why not (None: no token was sent)."""

    token: ApiToken | None
    problem: str | None = None


def english(text: LazyString | str) -> str:
    """Programs read the API's words in English, whatever the account's language (the
    services' messages are translatable; the API's own are written in English only)."""
    with force_locale("en"):
        return str(text)


def _secret_sent() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _start_transaction() -> None:
    """The token is read before `web`'s hook takes the write transaction of an unsafe request
    (the rate limit's key runs first): take it here, so the read is part of it."""
    if request.method in SAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, WRITES_LATE, False):
        begin_write()


def caller() -> Caller:
    """Who sends this request, decided once per request."""
    found: Caller | None = g.get(CALLER)
    if found is not None:
        return found
    secret = _secret_sent()
    if secret is None:
        found = Caller(None)
    else:
        _start_transaction()
        token = find_token(secret)
        if token is None:
            found = Caller(None, "This token is not known.")
        else:
            problem = refusal(token, utcnow())
            found = Caller(token if problem is None else None, problem)
    setattr(g, CALLER, found)
    return found


def token_key() -> str:
    """The rate limit's key: the token's id."""
    token = caller().token
    return f"api-token:{token.id}" if token is not None else ""


def without_token() -> bool:
    """A request without a usable token is answered 401 at the cost of one indexed lookup, and
    counts against no token's budget: guessing a secret of 256 random bits is hopeless at any
    rate, and a shared network's address must not lock out the tokens used behind it."""
    return caller().token is None


def account_key() -> str:
    """The key of the pages' limits per person (`interests.limits.per_account`)."""
    token = caller().token
    return f"user:{token.user_id}" if token is not None else get_remote_address()


def went_through(response: Response) -> bool:
    """Only an operation that did what it was asked counts towards a limit per person."""
    return response.status_code in (200, 201)


def _token_limit() -> str:
    return str(current_app.config["API_TOKEN_RATE_LIMIT"])


def _unauthorized(problem: str | None) -> NoReturn:
    params: dict[str, str | None] = {"realm": "api"}
    if problem is not None:
        params["error"] = "invalid_token"
    error = Unauthorized(www_authenticate=WWWAuthenticate("Bearer", params))
    detail = problem or "Send an API token: Authorization: Bearer <token> (see /auth/tokens)."
    error.data = {"message": detail}  # type: ignore[attr-defined]
    raise error


def _prepare_security_doc(
    doc: dict[str, Any], _info: Any, *, method: str, **_kwargs: Any
) -> dict[str, Any]:
    """Every operation of a token blueprint names the bearer scheme and its refusals."""
    doc["security"] = SECURITY
    responses = doc.setdefault("responses", {})
    refusals = ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "TOO_MANY_REQUESTS"]
    if method.upper() not in SAFE_METHODS:
        refusals += ["CONFLICT", "UNPROCESSABLE_ENTITY"]
    for name in refusals:
        responses.setdefault(str(HTTPStatus[name].value), name)
    return doc


class TokenBlueprint(ApiBlueprint):
    """An API blueprint whose every operation needs a token of one of `roles`."""

    def __init__(self, *args: Any, roles: tuple[Role, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles
        self._prepare_doc_cbks.append(_prepare_security_doc)
        csrf.exempt(self)
        limiter.shared_limit(
            _token_limit, scope="api-token", key_func=token_key, exempt_when=without_token
        )(self)
        self.before_request(self._authenticate)
        self.after_request(self._after)

    def _authenticate(self) -> None:
        found = caller()
        if found.token is None:
            _unauthorized(found.problem)
        token = found.token
        g._login_user = token.user  # Flask-Login's current user, for this request only
        if token.user.role not in self.roles:
            refuse(403, "This operation is not for your account's role.")
        if request.method not in SAFE_METHODS and token.scope != TokenScope.WRITE:
            refuse(403, "This token may only read: create one that may write.")

    @staticmethod
    def _after(response: Response) -> Response:
        response.cache_control.no_store = True
        response.vary.add("Authorization")
        token = caller().token if CALLER in g else None
        now = utcnow()
        if token is not None and needs_touch(token, now):
            token_id = token.id
            write_after_read(lambda: touch(token_id, now), "an API token's last use")
        return response


def declare_bearer(api: Api) -> None:
    """The security scheme the private operations name, in the OpenAPI document."""
    api.spec.components.security_scheme(
        BEARER,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (bem_...), made on the account's "
            "/auth/tokens page: read-only, or read and write.",
        },
    )


def refuse(code: int, message: str | None = None, *, slug: str | None = None) -> NoReturn:
    """End the request with an error, answered as a problem (`message` as its detail)."""
    if message is None:
        abort(code)
        raise AssertionError("abort raises")  # flask-smorest's abort is not typed as NoReturn
    api_abort(code, message, slug=slug)


def perform(action: Callable[[], T]) -> T:
    """Run one service and commit; its refusal is a 409 (someone changed it first) or a 422
    (a rule), in the service's words, with nothing changed."""
    try:
        result = action()
        db.session.commit()
    except ConflictError as error:
        db.session.rollback()
        refuse(409, english(error.message), slug="conflict")
    except ServiceError as error:
        db.session.rollback()
        refuse(422, english(error.message), slug="refused")
    return result
