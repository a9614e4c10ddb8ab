"""Every API test starts with the reference data seeded (subsectors, channels, cities)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:
    return None
