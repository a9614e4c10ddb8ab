"""Every business-matching test starts with the reference data seeded (the partner cities)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:
    return None
