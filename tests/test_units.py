"""Units after a price and after a number, in the reader's language."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from marketplace.reference.loader import units
from marketplace.units import UNIT_LABELS, quantity, unit_label


def test_every_unit_a_product_may_have_has_words() -> None:
    assert set(units()) == set(UNIT_LABELS)


def test_a_quantity_takes_the_plural_and_the_locales_grouping(app: Flask) -> None:
    with app.test_request_context():
        assert quantity(1, "piece") == "1 piece"
        assert quantity(1200, "piece") == "1,200 pieces"
        assert quantity(2, "box") == "2 boxes"
        assert quantity(3, "square metre") == "3 square metres"
        assert unit_label("pair") == "pair"
        with force_locale("de"):
            assert quantity(1200, "kg").startswith("1.200 ")


def test_a_unit_without_words_is_shown_as_it_is(app: Flask) -> None:
    with app.test_request_context():
        assert unit_label("bale") == "bale"
        assert quantity(3, "bale") == "3 bale"
