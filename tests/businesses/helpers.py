"""Helpers for storefront tests: media on disk, committing rows to use outside the app context,
posting files as a browser does. The rows themselves come from `tests.factories`."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.db import db
from marketplace.media.backend import current_storage
from tests.conftest import csrf_token


def media_files(app: Flask) -> list[str]:
    """The key of every stored file: every file under MEDIA_ROOT (temporary files included:
    nothing may be left behind), or every object of the bucket (under the prefix)."""
    if app.config.get("MEDIA_S3_BUCKET"):
        with app.app_context():
            return sorted(current_storage().keys())
    root = Path(app.config["MEDIA_ROOT"])
    if not root.exists():
        return []
    return sorted(
        (Path(d) / f).relative_to(root).as_posix()
        for d, _dirs, files in os.walk(root)
        for f in files
    )


def media_bytes(app: Flask, key: str) -> bytes:
    with app.app_context():
        return current_storage().open(key)


def commit_and_detach(*objects: Any) -> None:
    """Commit, then keep `objects` readable outside the app context (e.g. users to log in as)."""
    db.session.commit()
    for obj in objects:
        db.session.refresh(obj)
        db.session.expunge(obj)


def post_files(
    client: FlaskClient,
    url: str,
    fields: dict[str, Any] | None = None,
    files: dict[str, list[tuple[bytes, str]]] | None = None,
    *,
    page: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a multipart form as a browser does: fields, the CSRF token, and named files.

    The body is encoded up front, so the test client keeps no temporary file open.
    """
    values: MultiDict[str, Any] = MultiDict(fields or {})
    values.add("csrf_token", csrf_token(client, page or url))
    for name, items in (files or {}).items():
        for data, filename in items:
            values.add(name, FileStorage(io.BytesIO(data), filename=filename))
    boundary, body = encode_multipart(values)
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
    )


def fetch(client: FlaskClient, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a file and close the response (file responses hold an open file until closed)."""
    with client.get(url) as response:
        return response.status_code, dict(response.headers), response.get_data()
