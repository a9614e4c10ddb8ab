"""Two submissions at the same moment, each in a thread with its own application context,
session and connection, as two requests of a double click or two tabs would be: one interest.

On PostgreSQL the buyer's row lock serialises them; on SQLite the write transaction every
request takes up front (BEGIN IMMEDIATE) does.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import User
from marketplace.db import begin_write, db
from marketplace.interests.models import Interest, Message
from marketplace.interests.services import InterestData, express_interest
from marketplace.products.models import Product
from tests.concurrency import run_together
from tests.factories import make_buyer, make_listing
from tests.interests.helpers import count

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing


def _submit(app: Flask, buyer_id: int, product_id: int, key: str) -> str:
    with app.app_context():
        begin_write()
        result = express_interest(
            db.session.get_one(Product, product_id),
            db.session.get_one(User, buyer_id),
            InterestData(message=f"Sent with {key}"),
            submission_key=key,
        )
        db.session.commit()
        return "created" if result.created else "joined" if result.joined else "repeated"


def _together(app: Flask, buyer_id: int, product_id: int, keys: list[str]) -> list[Any]:
    return run_together([partial(_submit, app, buyer_id, product_id, key) for key in keys])


def _cast(app: Flask) -> tuple[int, int]:
    with app.app_context():
        buyer, product = make_buyer(), make_listing()
        db.session.commit()
        return buyer.id, product.id


def test_a_double_click_at_the_same_moment_makes_one_interest(app: Flask) -> None:
    buyer_id, product_id = _cast(app)
    results = _together(app, buyer_id, product_id, ["click", "click"])
    assert sorted(map(str, results)) == ["created", "repeated"], results
    with app.app_context():
        assert count(Interest) == 1 and count(Message) == 0


def test_two_tabs_at_the_same_moment_make_one_conversation(app: Flask) -> None:
    buyer_id, product_id = _cast(app)
    results = _together(app, buyer_id, product_id, ["tab-1", "tab-2"])
    assert sorted(map(str, results)) == ["created", "joined"], results
    with app.app_context():
        assert count(Interest) == 1 and count(Message) == 1
