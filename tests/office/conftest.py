"""Every test here starts with the reference data seeded and an empty media folder, and may ask
for an officer (or two)."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.accounts.models import Role, User
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:
    return None


@pytest.fixture
def officer(app: Flask) -> User:
    with app.app_context():
        user = make_user(Role.OFFICER, name="Dewi Officer")
        commit_and_detach(user)
    return user


@pytest.fixture
def second_officer(app: Flask) -> User:
    with app.app_context():
        user = make_user(Role.OFFICER, name="Budi Officer")
        commit_and_detach(user)
    return user
