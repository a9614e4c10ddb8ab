"""The versions of the data behind cached pages move with every change to that data, and only
then (marketplace/versions.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace import versions
from marketplace.db import db
from marketplace.products.services import record_view
from tests.factories import make_business, make_product

pytestmark = pytest.mark.usefixtures("storefront")


def test_a_product_edit_moves_the_public_version(ctx: Flask) -> None:
    product = make_product(make_business())
    db.session.commit()  # a change in a later transaction (one stamp per transaction is enough)
    before = versions.current(versions.PUBLIC)
    product.price_idr = 500_000
    db.session.flush()
    assert versions.current(versions.PUBLIC) != before


def test_a_new_product_moves_it_and_a_view_does_not(ctx: Flask) -> None:
    before = versions.current(versions.PUBLIC)
    product = make_product(make_business())
    after_new = versions.current(versions.PUBLIC)
    assert after_new != before
    record_view(product.id)
    db.session.flush()
    assert versions.current(versions.PUBLIC) == after_new


def test_a_product_edit_leaves_the_reference_version(ctx: Flask) -> None:
    product = make_product(make_business())
    before = versions.current(versions.REFERENCE)
    product.moq = 10
    db.session.flush()
    assert versions.current(versions.REFERENCE) == before


def test_a_loaded_but_unchanged_row_moves_nothing(ctx: Flask) -> None:
    product = make_product(make_business())
    before = versions.current(versions.PUBLIC)
    product.price_idr = product.price_idr  # the same value: nothing to write
    db.session.flush()
    assert versions.current(versions.PUBLIC) == before


def test_kept_results_are_made_again_after_a_change(ctx: Flask) -> None:
    calls: list[int] = []

    @versions.per_version(versions.PUBLIC)
    def names() -> tuple[str, ...]:
        calls.append(1)
        return tuple(
            db.session.scalars(db.select(db.text("name")).select_from(db.table("products")))
        )

    assert names() == ()
    assert names() == ()
    assert len(calls) == 1
    make_product(make_business(), name="Rattan basket")
    assert names() == ("Rattan basket",)
    assert len(calls) == 2
