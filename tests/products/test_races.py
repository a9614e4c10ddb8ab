"""Owners' requests at the same moment, through the whole stack: photos and new drafts.

The product's row lock (PostgreSQL) or the single writer (SQLite) decides them one after the
other, so the limits hold and nobody gets an error page.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.products.models import Product, ProductImage, ProductStatus
from tests.businesses.helpers import commit_and_detach
from tests.concurrency import files_post, form_post, run_together
from tests.conftest import CSRF_INPUT
from tests.factories import make_business, make_product
from tests.products.images import jpeg

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing

TIMES = 10


def _owner_with_product(app: Flask, photos: int) -> tuple[Any, int]:
    with app.app_context():
        business = make_business()
        product = make_product(business, status=ProductStatus.DRAFT, photos=photos)
        owner, product_id = business.owner, product.id
        commit_and_detach(owner)
    return owner, product_id


def _photo_count(app: Flask, product_id: int) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).where(ProductImage.product_id == product_id)
        return db.session.scalar(query) or 0


def test_the_same_photo_posted_ten_times_at_once_is_added_once(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    url = f"/my/products/{product_id}/photos"
    photo = jpeg((400, 300), seed=3)
    posts = [
        files_post(login_as(owner), url, {"photos": [(photo, "scarf.jpg")]}, url)
        for _ in range(TIMES)
    ]
    assert run_together(posts) == [302] * TIMES
    assert _photo_count(app, product_id) == 1


def test_ten_photos_at_once_never_pass_the_limit_of_eight(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=7)
    url = f"/my/products/{product_id}/photos"
    posts = [
        files_post(login_as(owner), url, {"photos": [(jpeg((400, 300), seed=n), f"{n}.jpg")]}, url)
        for n in range(TIMES)
    ]
    assert run_together(posts) == [302] * TIMES
    assert _photo_count(app, product_id) == 8


def test_a_double_click_on_new_product_makes_one_draft(app: Flask, login_as: Any) -> None:
    owner, _product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    page = client.get("/my/products/new").get_data(as_text=True)
    key_input = [line for line in page.splitlines() if 'name="submission_key"' in line]
    assert key_input, "the new-product form carries a one-time key"
    key = key_input[0].split('value="')[1].split('"')[0]
    assert CSRF_INPUT.search(page)
    data = {
        "submission_key": key,
        "name": "Bamboo lamp",
        "subsector_code": "kriya",
        "price_idr": "350000",
        "unit": "piece",
    }
    posts = [form_post(client, "/my/products/new", data, "/my/products/new") for _ in range(TIMES)]
    assert run_together(posts) == [302] * TIMES
    with app.app_context():
        names = db.session.scalars(sa.select(Product.name).where(Product.name == "Bamboo lamp"))
        assert list(names) == ["Bamboo lamp"]


def test_a_double_click_on_submit_sends_the_product_once(app: Flask, login_as: Any) -> None:
    owner, product_id = _owner_with_product(app, photos=1)
    posts = [
        form_post(login_as(owner), f"/my/products/{product_id}/submit", {}, "/my/business")
        for _ in range(2)
    ]
    assert run_together(posts) == [302, 302]
    with app.app_context():
        submitted = db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.subject_type == "product",
                AuditEntry.subject_id == product_id,
                AuditEntry.action == "product.submitted",
            )
        ).all()
        assert len(submitted) == 1
        assert db.session.get_one(Product, product_id).status == ProductStatus.PENDING_REVIEW
