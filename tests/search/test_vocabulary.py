"""The trigram index and the vocabulary follow every change of the products, like the index."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus, ProductTranslation
from marketplace.search.index import rebuild_index
from marketplace.search.queries import search_products
from marketplace.search.suggestions import suggest
from marketplace.search.text import query_terms
from marketplace.search.vocabulary import WORDS
from tests.factories import make_business, product


def _vocabulary() -> dict[str, int]:
    rows = db.session.execute(sa.select(WORDS.c.word, WORDS.c.documents))
    return {word: documents for word, documents in rows}


def _found(query: str) -> list[str]:
    rows = db.session.execute(search_products(query_terms(query), limit=20)).all()
    return sorted(found.slug for found, _score, _matches in rows)


def _suggested(query: str) -> str | None:
    found = suggest(db.session.connection(), query_terms(query))
    return found.query if found else None


def _product(slug: str) -> Product:
    return db.session.scalars(sa.select(Product).where(Product.slug == slug)).one()


def _make(app: Flask) -> tuple[str, str]:
    with app.app_context():
        basket = product(
            "Bamboo basket",
            business=make_business(name="Awi Kriya"),
            description="Woven by hand.",
            translations={"ko": ("대나무바구니", "손으로 엮었습니다.")},
        ).slug
        lamp = product("Bamboo lamp", description="A lamp.").slug
        db.session.commit()
        return basket, lamp


def test_new_products_count_their_words(app: Flask) -> None:
    basket, lamp = _make(app)
    with app.app_context():
        words = _vocabulary()
        assert words["bamboo"] == 2 and words["basket"] == 1 and words["woven"] == 1
        # Typos are corrected against suggestible words only; PostgreSQL keeps every word of
        # the index (a prefix is searched as the words it begins), SQLite only those.
        every_word = db.engine.dialect.name == "postgresql"
        assert ("by" in words) is every_word  # too short to correct
        assert ("대나무바구니" in words) is every_word  # not an alphabet with spelling
        assert _found("바구니") == [basket]
        assert _suggested("baskt") == "basket"


def test_a_word_typos_are_not_corrected_to_is_never_suggested(app: Flask) -> None:
    """A word with digits is in PostgreSQL's vocabulary, and closer to the typo than the right
    one by its count of products; the suggestion is still a word of letters."""
    with app.app_context():
        product("Bamboo basket")
        for n in range(3):
            product(f"Bamboo bask3t {n}")
        db.session.commit()
        assert _suggested("baskt") == "basket"


def test_a_renamed_product_moves_its_words_in_the_same_transaction(app: Flask) -> None:
    basket, lamp = _make(app)
    with app.app_context():
        _product(basket).name = "Rattan hamper"
        assert _vocabulary().get("basket") is None  # autoflush: seen before the commit
        assert _suggested("hampr") == "hamper"
        db.session.rollback()
    with app.app_context():
        assert _vocabulary()["basket"] == 1
        assert "hamper" not in _vocabulary()
        _product(basket).name = "Rattan hamper"
        db.session.commit()
    with app.app_context():
        words = _vocabulary()
        assert "basket" not in words and words["hamper"] == 1 and words["bamboo"] == 1
        assert _suggested("baskt") is None  # no product holds "basket" any more


def test_translations_added_edited_and_removed(app: Flask) -> None:
    basket, lamp = _make(app)
    with app.app_context():
        item = _product(lamp)
        item.translations.append(ProductTranslation(locale="zh", name="竹编台灯", description=""))
        item.translations.append(
            ProductTranslation(locale="de", name="Bambuslampe", description="")
        )
        db.session.commit()
    with app.app_context():
        assert _found("台灯") == [lamp] and _found("竹编") == [lamp]
        assert _vocabulary()["bambuslampe"] == 1
        chinese = next(t for t in _product(lamp).translations if t.locale == "zh")
        chinese.name = "竹灯"
        db.session.commit()
    with app.app_context():
        assert _found("台灯") == [] and _found("竹灯") == [lamp]
        item = _product(lamp)
        item.translations.remove(next(t for t in item.translations if t.locale == "de"))
        item.translations.remove(next(t for t in item.translations if t.locale == "zh"))
        db.session.commit()
    with app.app_context():
        assert _found("竹") == []
        assert _found("竹灯") == []
        assert "bambuslampe" not in _vocabulary()


def test_hidden_and_deleted_products_leave_no_words(app: Flask) -> None:
    basket, lamp = _make(app)
    with app.app_context():
        _product(basket).status = ProductStatus.ARCHIVED
        db.session.commit()
    with app.app_context():
        assert "basket" not in _vocabulary() and _vocabulary()["bamboo"] == 1
        assert _found("바구니") == []
        _product(basket).status = ProductStatus.PUBLISHED
        db.session.commit()
    with app.app_context():
        assert _vocabulary()["basket"] == 1 and _found("바구니") == [basket]
        business = db.session.scalars(sa.select(Business).where(Business.name == "Awi Kriya")).one()
        business.status = BusinessStatus.SUSPENDED
        db.session.commit()
    with app.app_context():
        assert "awi" not in _vocabulary() and "basket" not in _vocabulary()
        db.session.scalars(
            sa.select(Business).where(Business.name == "Awi Kriya")
        ).one().status = BusinessStatus.VERIFIED
        db.session.commit()
    with app.app_context():
        assert _vocabulary()["awi"] == 1
        db.session.delete(_product(basket))
        db.session.commit()
    with app.app_context():
        assert "basket" not in _vocabulary() and "awi" not in _vocabulary()
        assert _vocabulary()["bamboo"] == 1
        assert _found("바구니") == []


@pytest.mark.committing  # the rebuild runs on a connection of its own
def test_a_rebuild_gives_what_the_updates_gave(app: Flask) -> None:
    basket, lamp = _make(app)
    with app.app_context():
        _product(lamp).description = "A lamp of bamboo strips, woven in Bandung."
        _product(basket).translations[0].description = "대나무로 만든 바구니"
        db.session.commit()
        kept = _vocabulary()
        found = (_found("바구니"), _found("나무로"), _found("strips"))
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM search_words")
            assert rebuild_index(connection) == 2
        assert _vocabulary() == kept
        assert (_found("바구니"), _found("나무로"), _found("strips")) == found


@pytest.mark.committing  # the command rebuilds on a connection of its own
def test_reindex_command_rebuilds_the_trigram_index_and_the_vocabulary(app: Flask) -> None:
    basket, _lamp = _make(app)
    with app.app_context():
        kept = _vocabulary()
        db.session.commit()  # end the read, to see the other connection's deletes
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM search_words")
            connection.exec_driver_sql("DELETE FROM search_cjk")
        assert _vocabulary() == {} and _found("바구니") == []
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _vocabulary() == kept
        assert _found("바구니") == [basket]
