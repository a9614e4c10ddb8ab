"""The buyer's shortlist: add from the product page (twice is once), list, remove."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.interests.models import ShortlistEntry
from marketplace.interests.services import InterestError
from marketplace.interests.shortlist import add_to_shortlist, remove_from_shortlist
from marketplace.products.models import Product, ProductStatus
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import count


def test_adding_twice_keeps_one_entry_and_removing_is_quiet(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    entry, added = add_to_shortlist(product, buyer)
    again, added_again = add_to_shortlist(product, buyer)
    assert added and not added_again and again is entry
    assert count(ShortlistEntry) == 1
    assert remove_from_shortlist(product.id, buyer)
    assert not remove_from_shortlist(product.id, buyer)
    assert count(ShortlistEntry) == 0


def test_only_buyers_and_only_public_products(ctx: Flask) -> None:
    product = make_listing()
    with pytest.raises(InterestError, match="Only buyers"):
        add_to_shortlist(product, make_user(Role.MSME))
    product.status = ProductStatus.ARCHIVED
    with pytest.raises(InterestError, match="not available"):
        add_to_shortlist(product, make_buyer())


def test_the_shortlist_through_the_pages(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer, product, gone = make_buyer(), make_listing(), make_listing("Old lamp")
        add_to_shortlist(gone, buyer)
        gone.status = ProductStatus.ARCHIVED
        slug, product_id, gone_id = product.slug, product.id, gone.id
        commit_and_detach(buyer)
    client = login_as(buyer)
    token = csrf_token(client, f"/products/{slug}")
    for _ in range(2):  # a double click
        added = client.post(
            f"/shortlist/{product_id}", data={"csrf_token": token, "next": f"/products/{slug}"}
        )
        assert added.status_code == 302 and added.location.endswith(f"/products/{slug}")
    page = client.get(f"/products/{slug}").get_data(as_text=True)
    assert "Remove from shortlist" in page and "already on your shortlist" in page
    listing = client.get("/shortlist/").get_data(as_text=True)
    assert "Batik silk scarf" in listing and f"/products/{slug}/interest" in listing
    assert "Old lamp" in listing and "not available any more" in listing
    assert client.post(f"/shortlist/{gone_id}", data={"csrf_token": token}).status_code == 404
    evil = client.post(
        f"/shortlist/{product_id}/remove",
        data={"csrf_token": token, "next": "https://evil.example/"},
    )
    assert evil.status_code == 302 and evil.location.endswith("/shortlist/")
    with app.app_context():
        assert count(ShortlistEntry) == 1  # the unavailable one stays until removed
        assert db.session.get(Product, product_id) is not None


def test_the_shortlist_is_for_buyers(app: Flask, client: Any, login_as: Any) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    assert login_as(owner).get("/shortlist/").status_code == 403
    assert client.get("/shortlist/").status_code == 302
