"""Every API test starts with the reference data seeded (subsectors, channels, cities)."""

from __future__ import annotations

import pytest

from tests.businesses.helpers import storefront  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:  # noqa: F811
    return None
