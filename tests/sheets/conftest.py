"""Every test here starts with the reference data seeded and an empty media folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:
    return None
