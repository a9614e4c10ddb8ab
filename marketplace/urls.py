"""Absolute addresses written outside the page itself: e-mails, QR tags, PDFs, exports, the API.

They are built from the configured public address (`BASE_URL`), never from the request: the
`Host` header is chosen by whoever sends the request, and a password-reset link built from it
would carry the token to the sender's server. Requests naming a host that is not in
`TRUSTED_HOSTS` are refused before any view runs (Flask checks it; see config.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import MapAdapter

ADAPTER_KEY = "public_url_adapter"  # in `app.extensions`: BASE_URL and the map bound to it


def public_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` as an absolute address under `BASE_URL`; an endpoint that
    starts with a dot is in the current request's blueprint, as with `url_for`."""
    if endpoint.startswith("."):
        blueprint = request.blueprint if has_request_context() else None
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    return _adapter().build(endpoint, values, force_external=True)


def _adapter() -> MapAdapter:
    """The URL map bound to `BASE_URL`, once per app and address (building reads it only)."""
    configured = str(current_app.config["BASE_URL"])
    found: tuple[str, MapAdapter] | None = current_app.extensions.get(ADAPTER_KEY)
    if found is None or found[0] != configured:
        base = urlsplit(configured)
        adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
        )
        found = current_app.extensions[ADAPTER_KEY] = (configured, adapter)
    return found[1]
