"""The storage the application is configured with: the one place that picks a backend.

Local disk under MEDIA_ROOT today; an object-storage backend is chosen here when a deployment
grows, and nothing else changes.
"""

from __future__ import annotations

from flask import current_app

from marketplace.media.storage import LocalStorage, Storage


def current_storage() -> Storage:
    return LocalStorage(current_app.config["MEDIA_ROOT"])
