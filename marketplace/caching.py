"""What a browser (or a phone on a slow line far away) may keep: static files under addresses
that change with their content, and validators that let an unchanged public page answer
`304 Not Modified` without its body.

Compression is Flask-Compress's (settings in config.py); photos under /media are cached by
their own view (marketplace/media/views.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from werkzeug.security import safe_join

# `/static/css/site.css?v=<digest>`: the digest of the file's bytes, so the address changes
# whenever the file does and the old one may be kept for a year.
VERSION_ARG = "v"
DIGEST_LENGTH = 12
ONE_YEAR = 365 * 24 * 3600
# A static address without the digest (typed by hand, or from an older page) is kept briefly.
UNVERSIONED_MAX_AGE = 300
CSRF_SESSION_KEY = "csrf_token"
SESSION_AT_START = "_session_at_start"
LOGIN_BOOKKEEPING = frozenset({"_fresh"})

_digests: dict[tuple[str, int, int], str] = {}


_digests_by_name: dict[str, str | None] = {}


def static_digest(filename: str) -> str | None:
    """The short SHA-256 of a file under static/, or None when there is no such file.

    Read once per process and file version (path, size and modification time) where templates
    are reloaded when they change (debug); elsewhere, where files change only with a new release
    (a new process), once per process and name, without looking at the file again."""
    watching = current_app.jinja_env.auto_reload
    if not watching and filename in _digests_by_name:
        return _digests_by_name[filename]
    digest = _file_digest(filename)
    if not watching:
        _digests_by_name[filename] = digest
    return digest


def _file_digest(filename: str) -> str | None:
    folder = current_app.static_folder
    if folder is None:
        return None
    joined = safe_join(folder, filename)
    if joined is None:
        return None
    path = Path(joined)
    try:
        stat = path.stat()
    except (OSError, ValueError):  # no such file, or a name no file system takes
        return None
    if not path.is_file():
        return None
    key = (joined, stat.st_size, stat.st_mtime_ns)
    digest = _digests.get(key)
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
        _digests[key] = digest
    return digest


def _version_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
        return
    digest = static_digest(str(values["filename"]))
    if digest is not None:
        values[VERSION_ARG] = digest


def cache_static(response: Response) -> Response:
    """A year and `immutable` when the address names the file's current digest, minutes
    otherwise."""
    if response.status_code not in (200, 304):
        return response
    filename = str((request.view_args or {}).get("filename", ""))
    versioned = request.args.get(VERSION_ARG)
    cache = response.cache_control
    cache.no_cache = None
    cache.public = True
    if versioned and versioned == static_digest(filename):
        cache.max_age = ONE_YEAR
        cache.immutable = True
    else:
        cache.max_age = UNVERSIONED_MAX_AGE
    response.headers.pop("Expires", None)
    if response.status_code == 200 and response.is_streamed:
        # Read whole (the files are small; closing the file stays with the response), so that
        # compression handles it like any other body.
        response.direct_passthrough = False
        response.make_sequence()
    return response


def add_vary(response: Response, *fields: str) -> None:
    """`fields` added to the response's Vary, each once."""
    named = [item.strip() for item in response.headers.get("Vary", "").split(",") if item.strip()]
    present = {item.lower() for item in named}
    missing = [field for field in fields if field.lower() not in present]
    if missing:
        response.headers["Vary"] = ", ".join([*named, *missing])


def _contents() -> dict[str, Any]:
    return {key: value for key, value in session.items() if key not in LOGIN_BOOKKEEPING}


def session_changed() -> bool:
    # Not `session.modified`: Flask-Login marks an anonymous session not fresh on every
    # request. What counts is whether the contents differ from what the cookie brought.
    return bool(g.get(SESSION_AT_START) != _contents())


def _may_validate(response: Response) -> bool:
    """Only a whole HTML page for a visitor who is not signed in, whose session this request
    left alone (no message flashed and read, no first CSRF token, no language chosen), and
    that its view did not mark private or not to be stored."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
        and not response.cache_control.no_store
        and not response.cache_control.private
        and "ETag" not in response.headers
        and not session_changed()
        and not current_user.is_authenticated
    )


def page_etag(body: bytes) -> str:
    """A digest of the page as this visitor's session sees it.

    Every page carries a CSRF token (the language form), signed anew on each request over the
    session's secret; that signature is left out of the digest and the session's secret put in
    (hashed with the rest, never shown), so a page validated from the browser's copy holds a
    token that is still good for the same session, and another session never matches."""
    signed = g.get(CSRF_SESSION_KEY)
    if signed:
        body = body.replace(signed.encode(), b"")
    digest = hashlib.sha256()
    digest.update(str(session.get(CSRF_SESSION_KEY, "")).encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()[:32]


def validate_page(response: Response) -> Response:
    """A weak ETag on public pages, and `304 Not Modified` when the browser holds the same."""
    if response.mimetype == "text/html":
        # The language comes from Accept-Language or the session; signed-in state and the
        # chosen currency from the session cookie.
        add_vary(response, "Accept-Language", "Cookie")
    if not _may_validate(response):
        return response
    response.set_etag(page_etag(response.get_data()), weak=True)
    if "Cache-Control" not in response.headers:
        # The page holds this visitor's CSRF token: a browser may keep it, a shared cache not.
        response.cache_control.private = True
        response.cache_control.no_cache = True
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        response.make_conditional(request)
    return response


def init_caching(app: Flask) -> None:
    app.url_defaults(_version_static_urls)

    @app.before_request
    def _remember_session() -> None:
        g.setdefault(SESSION_AT_START, _contents())

    @app.after_request
    def _cache_headers(response: Response) -> Response:
        if request.endpoint == "static":
            return cache_static(response)
        return validate_page(response)
