"""Every sharing test starts with the reference data seeded and an empty media folder."""

from __future__ import annotations

import pytest

from tests.businesses.helpers import storefront  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:  # noqa: F811
    return None
