"""The demo's tests seed it again and again: its photos are drawn once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _demo_images(demo_images_once: None) -> None:
    return None
