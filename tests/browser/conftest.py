"""Browser journeys: Debian's Chromium driven by Playwright against the app on a local port.

One browser serves the whole session (pytest-playwright's session-scoped `browser`); each
test gets a fresh context and page. The app is served from a thread with the same database as
the other tests. Without Chromium the journeys are skipped with a plain reason, unless
BROWSER_TESTS=required (CI).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from marketplace.db import db
from marketplace.mail.models import OutboxEmail

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
HERE = Path(__file__).resolve().parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mine = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
        # The live server answers from another thread, on connections of its own.
        item.add_marker(pytest.mark.committing)
    if not mine or CHROMIUM.exists():
        return
    if os.environ.get("BROWSER_TESTS") == "required":
        raise pytest.UsageError(f"BROWSER_TESTS=required but Chromium is not at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser journey skipped")
    for item in mine:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@dataclass
class LiveServer:
    app: Flask
    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def mailed_link(self, to: str, marker: str = "/auth/verify/") -> str:
        """The link containing `marker` in the mail to `to`, opened on this server.

        Mailed links carry the public BASE_URL (never the address a request came in on); the
        test server listens elsewhere, so the same path is opened here.
        """
        with self.app.app_context():
            body = db.session.scalars(
                sa.select(OutboxEmail.body)
                .where(OutboxEmail.to_address == to)
                .order_by(OutboxEmail.id.desc())
            ).first()
        assert body, f"no mail to {to}"
        for link in re.findall(r"https?://\S+", body):
            if marker in link:
                assert link.startswith(self.app.config["BASE_URL"] + "/"), link
                parts = urlsplit(link)
                return self(parts.path + (f"?{parts.query}" if parts.query else ""))
        raise AssertionError(f"no link with {marker!r} in:\n{body}")


def closing_responses(app: WSGIApplication) -> WSGIApplication:
    """Close every response however its transfer ends. Werkzeug's development server skips
    `close()` when the browser drops the connection mid-transfer (a phone that picks another
    photo size from a srcset, or moves on before a photo has loaded): the photo's open file
    would then be left to the garbage collector, a ResourceWarning that fails a later test."""

    def wrapped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = app(environ, start_response)

        def chunks() -> Iterator[bytes]:
            try:
                yield from response
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

        return chunks()

    return wrapped


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        thread.join(timeout=5)
