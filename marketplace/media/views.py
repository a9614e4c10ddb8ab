"""Serving stored files: public photos at /media/<key>, private scans through guarded views.

Photo keys are content hashes, so a URL always means the same bytes and may be cached for
a year without ever going stale. Only keys under ``img/`` are public; certificate scans
(``scans/``) are sent by the owner's and the office's own routes with `send_private`.

From the local disk a file is sent by Flask (`send_file`); from an object store it is read
whole (photos and scans are small) and answered by the app with a strong ETag of its bytes,
304 to a matching If-None-Match, and its length: the same headers either way. A key is read
once: a missing one is found out by the read itself, not by a question asked first.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, send_file
from werkzeug.http import generate_etag

from marketplace.media.backend import current_storage
from marketplace.media.storage import StorageError, validate_key

bp = Blueprint("media", __name__)

PUBLIC_PREFIX = "img/"
ONE_YEAR = 365 * 24 * 3600


def _send(key: str, mimetype: str, **options: object) -> Response:
    """The stored file under `key`; 404 when there is none, 503 when the store does not answer."""
    storage = current_storage()
    try:
        path = storage.path(key)
        if path is None:
            data = storage.open(key)
        elif not path.is_file():
            abort(404)
    except FileNotFoundError:
        abort(404)
    except StorageError:
        abort(503)
    if path is not None:
        return send_file(path, mimetype=mimetype, conditional=True, etag=True, **options)  # type: ignore[arg-type]
    # Named as the file on disk is (send_file names it after its path).
    options.setdefault("download_name", key.rsplit("/", 1)[-1])
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        conditional=True,
        etag=generate_etag(data),
        **options,  # type: ignore[arg-type]
    )


@bp.get("/media/<path:key>")
def file(key: str) -> Response:
    try:
        validate_key(key)
    except ValueError:
        abort(404)
    if not key.startswith(PUBLIC_PREFIX):
        abort(404)
    response = _send(key, "image/webp")
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    return response


def send_private(key: str, content_type: str, download_name: str) -> Response:
    """A file only some people may see: never cached by shared caches; PDFs are downloaded."""
    response = _send(
        key,
        content_type,
        as_attachment=content_type == "application/pdf",
        download_name=download_name,
    )
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
