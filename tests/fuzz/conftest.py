"""Hypothesis profiles for the property tests, and the seeded world they run in.

The "suite" profile (the default) is small and derandomized: the same examples on every run
(each route and form has its own seed, see `values.same_examples`), no example database, no
deadline (a request on PostgreSQL in CI may take a while), so the property tests keep the suite
within its time. The tests collect every request that gave a 5xx, with the request in full,
instead of stopping at the first, so there is nothing to shrink. `HYPOTHESIS_PROFILE=deep`
draws many more examples, new ones on every run, for a longer run by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, settings

from marketplace.db import db
from tests.fuzz.world import World, build_world

settings.register_profile(
    "suite",
    max_examples=5,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
settings.register_profile(
    "deep", parent=settings.get_profile("suite"), max_examples=100, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture
def world(app: Flask, storefront: None) -> Iterator[World]:
    with app.app_context():
        built = build_world()
        db.session.remove()
    yield built
