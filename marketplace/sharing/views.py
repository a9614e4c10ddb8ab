"""`/robots.txt` and the sitemap's files: public, read-only, cached by anyone for an hour.

Each sitemap file answers with an ETag and Last-Modified; a crawler that asks again with them
gets 304, and a numbered file is then decided by one aggregate over its id range, without
reading its rows.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from werkzeug.http import is_resource_modified

from marketplace.sharing import sitemap
from marketplace.urls import public_url

bp = Blueprint("sharing", __name__)

MAX_AGE = 3600
XML = "application/xml"
FORMAT = "1"  # part of every ETag: a change in how files are written makes them all new
# One person's pages, the office, forms and the API are no place for crawlers; the API's
# description stays open (programs find the API through it).
ALLOWED = ("/api/v1/openapi.json",)
DISALLOWED = (
    "/my/",
    "/office/",
    "/stand/",
    "/privacy/visitor/",
    "/auth/",
    "/interests",
    "/shortlist",
    "/notifications",
    "/buyer/",
    "/buyers/",
    "/products/*/interest",
    "/api/",
    "/language",
    "/matching",
    "/metrics",
)


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def _etag(*parts: object) -> str:
    # Addresses start with BASE_URL: moving the site changes every file.
    text = "|".join(str(part) for part in (FORMAT, current_app.config["BASE_URL"], *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _page_size() -> int:
    return sitemap.page_size(current_app.config["SITEMAP_PAGE_SIZE"])


@bp.get("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        *(f"Allow: {path}" for path in ALLOWED),
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {public_url('sharing.sitemap_index')}",
        "",
    ]
    return _cached(Response("\n".join(lines), mimetype="text/plain"))


def _xml(body: str, lastmod: datetime | None) -> Response:
    response = _cached(Response(body, mimetype=XML))
    response.set_etag(_etag(body))
    response.last_modified = lastmod
    response.make_conditional(request)
    return response


@bp.get("/sitemap.xml")
def sitemap_index() -> Response:
    body, lastmod = sitemap.index_file(_page_size())
    return _xml(body, lastmod)


@bp.get("/sitemaps/pages.xml")
def sitemap_pages() -> Response:
    body = sitemap.pages_file()
    return _xml(body, None)


@bp.get("/sitemaps/<any(products, msmes, channels):kind>-<int:number>.xml")
def sitemap_file(kind: str, number: int) -> Response:
    size = _page_size()
    stamp = sitemap.file_stamp(sitemap.KINDS[kind], number, size)
    if stamp is None:
        abort(404)
    etag = _etag(kind, size, stamp.etag)
    if is_resource_modified(request.environ, etag=etag, last_modified=stamp.lastmod):
        rows = sitemap.stream_file(sitemap.KINDS[kind], number, size)
        response = Response(stream_with_context(rows), mimetype=XML)
    else:
        response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = stamp.lastmod
    return _cached(response)
