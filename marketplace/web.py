"""Per-request plumbing: write transactions, security headers, the session's language."""

from __future__ import annotations

from flask import Flask, Response, request

from marketplace.db import begin_write
from marketplace.security import set_security_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_request_hooks(app: Flask) -> None:
    @app.before_request
    def _begin_write_transaction() -> None:
        # A request that may write takes SQLite's write lock up front (see db.tune_sqlite).
        if request.method not in SAFE_METHODS:
            begin_write()

    @app.after_request
    def _headers(response: Response) -> Response:
        return set_security_headers(response)
