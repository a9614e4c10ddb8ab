"""Per-request plumbing: the proxies trusted for the client's address, write transactions,
security headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from marketplace.db import begin_write
from marketplace.security import set_security_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES_LATE = "_writes_late"

View = TypeVar("View", bound=Callable[..., object])


def writes_late(view: View) -> View:
    """Mark a view that reads and computes at length (photos, passwords) before it writes: no
    write transaction is taken up front, the view calls `db.write_now()` when it is ready."""
    setattr(view, WRITES_LATE, True)
    return view


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies, the client's address and scheme come from the
    X-Forwarded-For/-Proto values those proxies appended; with none, headers are ignored and the
    address is the connection's. Rate limits and visit counts key on that address."""
    count = int(app.config.get("TRUSTED_PROXIES", 0))
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


class RefuseUnknownHosts:
    """Answer 400 to a request whose Host is not in TRUSTED_HOSTS, before the app sees it.

    Flask makes the same check, but then leaves the request without a URL adapter, so nothing
    after it (hooks, the error page) could build a link; here the request never gets that far.
    """

    def __init__(self, wsgi_app: WSGIApplication, trusted_hosts: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.trusted_hosts = trusted_hosts

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            get_host(environ, self.trusted_hosts)
        except BadRequest:
            refusal = BadRequest(
                "This server does not answer to that host name (its BASE_URL and TRUSTED_HOSTS"
                " settings name the ones it does)."
            )
            return refusal(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_request_hooks(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = RefuseUnknownHosts(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]
    trust_proxies(app)

    @app.before_request
    def _begin_write_transaction() -> None:
        # A request that may write takes SQLite's write lock up front (see db.tune_sqlite),
        # unless its view takes it itself once the slow part is done.
        if request.method in SAFE_METHODS:
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, WRITES_LATE, False):
            begin_write()

    @app.after_request
    def _headers(response: Response) -> Response:
        return set_security_headers(response)
