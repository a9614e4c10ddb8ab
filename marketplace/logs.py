"""Logs and request ids: every line says which request (or job) it belongs to.

A request's id is `flask.g.request_id`: the incoming `X-Request-ID` when it is well formed (a
load balancer may set one; it is only ever used to tie lines together, never trusted for
anything else), else a new one; every response carries it back in `X-Request-ID`. A background
job sets `g.request_id` to the id of the request that queued it, so its lines carry that too.

Lines go to the standard error, one JSON object each (`LOG_FORMAT=json`, the production
default: python-json-logger) or as text (`LOG_FORMAT=text`, a laptop's): time in UTC, level,
logger, message, request_id, and an exception's traceback in `exc_info`. Each request ends with
one access line (logger `marketplace.access`) giving its method, path (never the query string,
which may hold personal data), status, duration_ms and remote_addr (the client's, after the
trusted proxies). It is written by a WSGI middleware around everything else, so pages sent
from the page cache before Flask (`page_cache.FastPages`) and refusals of unknown hosts have
their line and their id too.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO, cast

from flask import Flask, g, has_app_context, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter
from werkzeug.local import LocalProxy
from werkzeug.wsgi import ClosingIterator

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
ENVIRON_KEY = "marketplace.request_id"
HANDLER_NAME = "marketplace"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s"

access_log = logging.getLogger("marketplace.access")
# The id while the request is handled, for lines logged where Flask has made no request of it
# yet (the page cache's work before Flask, in an app context of its own).
_handled = contextvars.ContextVar[str | None]("request_id", default=None)


def request_id_from(value: str | None) -> str:
    """`value` when it is a well-formed request id, else a new one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request (or job) being handled, if any."""
    if has_app_context():
        found = g.get("request_id")
        if found:
            return str(found)
    if has_request_context():
        return cast(str | None, request.environ.get(ENVIRON_KEY))
    return _handled.get()


class RequestIdFilter(logging.Filter):
    """Gives every record the `request_id` of the request or job it was logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
    text = logging.Formatter(TEXT_FORMAT)
    text.converter = time.gmtime
    return text


def init_logging(app: Flask) -> None:
    """Send every logger's records to the standard error in `LOG_FORMAT` at `LOG_LEVEL`.

    The handler sits on the root logger and replaces the one an earlier app installed; the
    stream is looked up on each line, so a test capturing the standard error reads them."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    stream = cast(TextIO, LocalProxy(lambda: sys.stderr))
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter(app.config.get("LOG_FORMAT", "text")))
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own handler would print the app's records a second time.
    app.logger.removeHandler(default_handler)


class AccessLog:
    """The request id of every request, echoed in its response, and its access line."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_KEY] = request_id
        started = time.perf_counter()
        answer: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answer["status"] = status
            headers[:] = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            headers.append((HEADER, request_id))
            return start_response(status, headers, *args)

        def done() -> None:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            status = int(str(answer.get("status", "500")).split(" ", 1)[0])
            method = environ.get("REQUEST_METHOD", "")
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            remote = environ.get("REMOTE_ADDR", "")  # the proxy fix has set it by now
            access_log.info(
                "%s %s %s %.1f ms %s",
                method,
                path,
                status,
                duration_ms,
                remote,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "remote_addr": remote,
                },
            )

        handling = _handled.set(request_id)
        try:
            body = self.wsgi_app(environ, start)
        finally:
            _handled.reset(handling)
        return ClosingIterator(body, done)


def init_request_ids(app: Flask) -> None:
    """`g.request_id` for every request, set before any other hook runs; the access line and
    the response header (`AccessLog`, wrapped around everything: call this last)."""

    def _set_request_id() -> None:
        g.request_id = request.environ.get(ENVIRON_KEY) or request_id_from(
            request.headers.get(HEADER)
        )

    app.before_request_funcs.setdefault(None, []).insert(0, _set_request_id)
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
