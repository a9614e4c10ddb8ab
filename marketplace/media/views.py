"""Serving stored files: public photos at /media/<key>, private scans through guarded views.

Photo keys are content hashes, so a URL always means the same bytes and may be cached for
a year without ever going stale. Only keys under ``img/`` are public; certificate scans
(``scans/``) are sent by the owner's and the office's own routes with `send_private`.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from marketplace.media.backend import current_storage
from marketplace.media.storage import Storage, validate_key

bp = Blueprint("media", __name__)

PUBLIC_PREFIX = "img/"
ONE_YEAR = 365 * 24 * 3600


def _send(storage: Storage, key: str, mimetype: str, **options: object) -> Response:
    path = storage.path(key)
    if path is not None:
        return send_file(path, mimetype=mimetype, conditional=True, etag=True, **options)  # type: ignore[arg-type]
    return Response(storage.open(key), mimetype=mimetype)


@bp.get("/media/<path:key>")
def file(key: str) -> Response:
    try:
        validate_key(key)
    except ValueError:
        abort(404)
    storage = current_storage()
    if not key.startswith(PUBLIC_PREFIX) or not storage.exists(key):
        abort(404)
    response = _send(storage, key, "image/webp")
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    return response


def send_private(key: str, content_type: str, download_name: str) -> Response:
    """A file only some people may see: never cached by shared caches; PDFs are downloaded."""
    storage = current_storage()
    if not storage.exists(key):
        abort(404)
    response = _send(
        storage,
        key,
        content_type,
        as_attachment=content_type == "application/pdf",
        download_name=download_name,
    )
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
