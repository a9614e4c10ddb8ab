"""Every test here starts with the reference data seeded and an empty media folder, and may ask
for an officer (or two)."""

from __future__ import annotations

import pytest

from tests.businesses.helpers import storefront  # noqa: F401  (a fixture)
from tests.office.helpers import officer, second_officer  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:  # noqa: F811
    return None
