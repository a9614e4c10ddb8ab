"""Whole pages kept for visitors who are not signed in: made once, served many times.

A view marked `@public_page` (home, catalog, search, product, MSME, channel and partners pages)
is looked up before it runs, under a key made of what can change the page for a visitor:
the address (host, path and query), the data version (`versions.PUBLIC`: a product edit, an
office decision, a new rate all move it, so a changed page is never found under the old key),
and what the visit decided (its language, currency, time zone and the channel it came through,
from the finders the features register with `vary_on`). Found, the page is sent as it was kept,
already compressed, with its `ETag`, or as `304 Not Modified` when the browser holds it; the
view, its queries and its template are skipped, but what the view asked to `repeat_on_hit`
(counting the visit) is done again.

Nobody receives another person's page: nothing is looked up or kept for a signed-in person, a
session carrying a message to show, or a request other than GET or HEAD, and a page is kept only
when its request left the session as it found it (so it holds no CSRF token: the pages a visitor
sees have none) and its view neither marked it private nor left it uncached on purpose.

A request that carries no cookie at all (a first visit, the page a scanned tag leads to, a
crawler) is looked up before Flask even makes a request of it (`FastPages`, a WSGI middleware
inside the host check and the proxy fix): without a session, the page depends on the address and
`Accept-Language` alone, so those and the data version are its key, and a page found is sent with
the very headers its first answer had (security headers included).

Kept in this process by default (Flask-Caching's SimpleCache, at most PAGE_CACHE_ENTRIES pages,
each for PAGE_CACHE_SECONDS, after which it is made again even if no version moved: the data's
clock, like a channel's dates, moves without a change); in Redis when PAGE_CACHE_URL names one,
shared by every worker and host. `PAGE_CACHE=off` turns it off.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import brotli
from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header, parse_etags, quote_etag

from marketplace import versions
from marketplace.cache_backends import cache_settings
from marketplace.caching import session_changed
from marketplace.db import db
from marketplace.extensions import cache
from marketplace.i18n import babel_context
from marketplace.metrics import cache_lookups

PAGE_ATTR = "public_page"
STATE_KEY = "page_cache"  # on `g`: the key of the page being made and what to repeat
VARY_KEY = "marketplace.page_cache_vary"  # in `app.extensions`: what a visit decided
PARTS_KEY = "page_cache_visit_parts"  # on `g`: what the finders found, and when
WITHOUT_REQUEST_KEY = "marketplace.page_cache_without_request"  # in `app.extensions`
FLASHES_KEY = "_flashes"
ENCODINGS = ("br", "gzip")
BROTLI_QUALITY = 5
GZIP_LEVEL = 6

V = TypeVar("V", bound=Callable[..., Any])


def public_page(view: V) -> V:
    """Mark a view whose page is the same for every visitor with the same key."""
    setattr(view, PAGE_ATTR, True)
    return view


@dataclass(frozen=True)
class KeptPage:
    etag: str
    content_type: str
    bodies: dict[str, bytes]  # by Content-Encoding
    repeats: tuple[tuple[Callable[..., object], tuple[Any, ...]], ...] = ()


@dataclass(frozen=True)
class FastPage:
    """A kept page with the headers of its first answer, for requests without a cookie."""

    page: KeptPage
    headers: tuple[tuple[str, str], ...]


@dataclass
class _Making:
    key: str
    fast_key: str | None = None
    repeats: list[tuple[Callable[..., object], tuple[Any, ...]]] = field(default_factory=list)


def repeat_on_hit(function: Callable[..., object], *args: Any) -> None:
    """Call `function(*args)` now, and again whenever the page being made is served from the
    cache (for counting a visit). `function` must be a module's own function and `args` plain
    values: a page kept in Redis is pickled."""
    function(*args)
    making: _Making | None = g.get(STATE_KEY)
    if making is not None:
        making.repeats.append((function, args))


def repeat_without_request(
    app: Flask, function: Callable[..., object], variant: Callable[..., object]
) -> None:
    """On a page answered before Flask, call `variant(environ, *args)` (in an app context) for
    what the page asked to repeat with `function(*args)`, instead of making a request for it."""
    app.extensions.setdefault(WITHOUT_REQUEST_KEY, {})[function] = variant


def vary_on(app: Flask, *finders: Callable[[], object]) -> None:
    """Add what `finders` return (the visit's currency, say) to every page's key."""
    app.extensions.setdefault(VARY_KEY, []).extend(finders)


def reads_public_page() -> bool:
    """This request reads a public page (a GET or HEAD of a `public_page` view)."""
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, PAGE_ATTR, False))


def _may_share() -> bool:
    return reads_public_page() and FLASHES_KEY not in session and not current_user.is_authenticated


def visit_version() -> int | None:
    """The data version, or None when the database cannot say (then nothing is kept or looked
    up: the page is made, or fails, as it would without a cache)."""
    try:
        return versions.current(versions.PUBLIC)
    except SQLAlchemyError:
        current_app.logger.warning("The data version could not be read", exc_info=True)
        db.session.rollback()
        return None


def digest_key(kind: str, parts: list[object]) -> str:
    digest = hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def _visit_state() -> tuple[object, ...]:
    """What a request may replace while it runs that the finders read through: the language
    and zone Flask-Babel chose (`refresh` and `force_locale` replace them) and the person."""
    babel = babel_context()
    return (
        getattr(babel, "babel_locale", None),
        getattr(babel, "babel_tzinfo", None),
        g.get("_login_user"),
    )


def visit_parts() -> list[object]:
    """What the visit decided that changes a page (its language, currency, zone, channel).

    A page asks for them once per piece it keeps; they are found once per request, and again
    after the language, zone or person changed, or after `forget_visit_parts` (a page that
    starts a channel visit, or shows one channel's prices)."""
    finders = current_app.extensions.get(VARY_KEY, ())
    if not has_request_context():
        return [find() for find in finders]
    kept = g.get(PARTS_KEY)
    if kept is not None and all(a is b for a, b in zip(kept[0], _visit_state(), strict=True)):
        return list(kept[1])
    parts = [find() for find in finders]
    setattr(g, PARTS_KEY, (_visit_state(), tuple(parts)))
    return parts


def forget_visit_parts() -> None:
    """The visit's channel or currency changed in this request: find the parts again."""
    if has_request_context():
        g.pop(PARTS_KEY, None)


def page_key(version: int) -> str:
    parts: list[object] = [version, request.url, *visit_parts()]
    return digest_key("page", parts)


def _encoded(page: KeptPage, accepted: Accept) -> tuple[str | None, bytes]:
    """The page's body in the encoding the client prefers (brotli where it likes both as
    much), or plain when it takes neither."""
    encoding = accepted.best_match([e for e in ENCODINGS if e in page.bodies])
    if encoding is None:
        return None, gzip.decompress(page.bodies["gzip"])
    return encoding, page.bodies[encoding]


def _fill(response: Response, page: KeptPage) -> Response:
    """`response` carries the kept page in the best encoding the client takes, with its
    validator; `304 Not Modified` when the client holds the same."""
    encoding, body = _encoded(page, request.accept_encodings)
    response.set_data(body)
    if encoding is None:
        response.headers.pop("Content-Encoding", None)
    else:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(page.etag, weak=True)
    # A browser may keep the page and must ask again (its answer is usually 304).
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.make_conditional(request)
    return response


def _look_up() -> Response | None:
    if not current_app.config.get("PAGE_CACHE_ENABLED", True) or not _may_share():
        return None
    version = visit_version()
    if version is None:
        return None
    key = page_key(version)
    page: KeptPage | None = cache.get(key)
    cache_lookups("page", hits=page is not None, misses=page is None)
    if page is None:
        g.setdefault(STATE_KEY, _Making(key, fast_key(request.environ, version)))
        return None
    for function, args in page.repeats:
        function(*args)
    return _fill(Response(content_type=page.content_type), page)


def _keep(response: Response) -> Response:
    making: _Making | None = g.get(STATE_KEY)
    if making is None or not _keepable(response):
        return response
    body = response.get_data()
    page = KeptPage(
        etag=hashlib.sha256(body).hexdigest()[:32],
        content_type=response.content_type or "text/html; charset=utf-8",
        bodies={
            "br": brotli.compress(body, quality=BROTLI_QUALITY),
            "gzip": gzip.compress(body, GZIP_LEVEL, mtime=0),
        },
        repeats=tuple(making.repeats),
    )
    cache.set(making.key, page)
    if making.fast_key is not None:
        request.environ[FAST_KEPT] = (making.fast_key, page)
    return _fill(response, page)


def _keepable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
        and not response.cache_control.no_store
        and not response.cache_control.private
        and "Content-Encoding" not in response.headers
        and "Set-Cookie" not in response.headers
        and not session_changed()
        and not current_user.is_authenticated
    )


# --- without a cookie: before Flask --------------------------------------------------------

FAST_KEPT = "marketplace.page_cache.kept"  # in the environ: (fast key, page) to keep
# Headers of the first answer that are not kept: each answer sets its own.
NOT_KEPT = frozenset({"content-length", "content-encoding", "etag", "set-cookie", "date"})
STATUS = {200: "200 OK", 304: "304 Not Modified"}


def _cookieless_read(environ: dict[str, Any]) -> bool:
    return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("HTTP_COOKIE")


def fast_key(environ: dict[str, Any], version: int) -> str | None:
    """The key of a GET or HEAD without a cookie (None for any other request)."""
    if not _cookieless_read(environ):
        return None
    parts: list[object] = [
        version,
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    ]
    return digest_key("fast", parts)


class FastPages:
    """Send a kept page to a request without a cookie before Flask handles it (see the module)."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.check_seconds = float(app.config.get("VERSIONS_CHECK_SECONDS", 1.0))

    def _key(self, environ: dict[str, Any]) -> str | None:
        if not _cookieless_read(environ) or not self.app.config.get("PAGE_CACHE_ENABLED", True):
            return None
        version = versions.known(versions.PUBLIC, self.check_seconds)
        if version is None:
            with self.app.app_context():  # the version must be read again
                version = visit_version()
        return None if version is None else fast_key(environ, version)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        key = self._key(environ)
        backend = self.app.extensions["cache"][cache] if key else None
        found: FastPage | None = backend.get(key) if backend is not None else None
        if found is not None:
            cache_lookups("fast_page", hits=1)
            return self._send(found, environ, start_response)
        answer: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answer.update(status=status, headers=headers)
            return start_response(status, headers, *args)

        body = self.wsgi_app(environ, remember)
        kept = environ.get(FAST_KEPT)
        headers = answer.get("headers", [])
        if (
            backend is not None
            and kept is not None
            and kept[0] == key
            and str(answer.get("status", "")).startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            own = tuple((n, v) for n, v in headers if n.lower() not in NOT_KEPT)
            backend.set(key, FastPage(kept[1], own))
            # A miss only for a page that could be kept (any other GET is looked up too).
            cache_lookups("fast_page", misses=1)
        return body

    def _repeat(self, page: KeptPage, environ: dict[str, Any]) -> None:
        variants = self.app.extensions.get(WITHOUT_REQUEST_KEY, {})
        if all(function in variants for function, _ in page.repeats):
            with self.app.app_context():
                for function, args in page.repeats:
                    variants[function](environ, *args)
            return
        with self.app.request_context(environ):
            for function, args in page.repeats:
                function(*args)

    def _send(self, found: FastPage, environ: dict[str, Any], start_response: Any) -> Any:
        page = found.page
        if page.repeats:
            self._repeat(page, environ)
        headers = list(found.headers)
        headers.append(("ETag", quote_etag(page.etag, weak=True)))
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(page.etag):
            start_response(STATUS[304], headers)
            return [b""]
        encoding, body = _encoded(page, parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING")))
        if encoding is not None:
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response(STATUS[200], headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def clear() -> None:
    cache.clear()


def init_page_cache(app: Flask) -> None:
    """Bind the cache (after `caching.init_caching`: its response hook must run first, as
    Flask runs response hooks last-registered first)."""
    cache.init_app(app, config=cache_settings(app, app.config.get("PAGE_CACHE_ENTRIES", 2000)))
    app.before_request(_look_up)
    app.after_request(_keep)


def init_fast_pages(app: Flask) -> None:
    """Serve kept pages to requests without a cookie before Flask does; call before the host
    check and the proxy fix wrap the app, so that they run first."""
    app.wsgi_app = FastPages(app, app.wsgi_app)  # type: ignore[method-assign]
