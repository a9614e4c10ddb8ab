"""Helpers for interest tests: expressing an interest through the service, counting rows, and
the interest form as a buyer fills it. Buyers and listings come from `tests.factories`."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.interests.models import Interest
from marketplace.interests.services import InterestData, express_interest
from marketplace.products.models import Product

_keys = itertools.count(1)
KEY_INPUT = re.compile(r'<input[^>]*name="submission_key"[^>]*value="([^"]+)"')


def new_key() -> str:
    return f"test-key-{next(_keys)}"


def express(
    buyer: User,
    product: Product,
    message: str = "We would like 50 scarves for our shop.",
    *,
    key: str | None = None,
    channel_id: int | None = None,
    **terms: Any,
) -> Interest:
    result = express_interest(
        product,
        buyer,
        InterestData(message=message, **terms),
        submission_key=key or new_key(),
        channel_id=channel_id,
    )
    return result.interest


def count(model: type[Any], *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


@dataclass
class Market:
    """Ids of one conversation's cast, readable outside the app context."""

    buyer_id: int
    owner_id: int
    product_id: int
    product_slug: str
    interest_id: int | None = None


def submission_key(client: FlaskClient, slug: str) -> str:
    html = client.get(f"/products/{slug}/interest").get_data(as_text=True)
    match = KEY_INPUT.search(html)
    assert match, html
    return match.group(1)


def interest_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "quantity": "50",
        "unit": "piece",
        "target_price": "12.50",
        "currency": "EUR",
        "incoterm": "FOB",
        "destination": "Hamburg",
        "message": "We would like 50 scarves for our shop in Braunschweig.",
    }
    data.update(overrides)
    return data
