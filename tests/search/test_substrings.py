"""Chinese and Korean words inside longer words: the trigram index beside the word index."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from marketplace.catalog.queries import CatalogFilters, filter_conditions
from marketplace.db import db, utcnow
from marketplace.products.models import Product, ProductStatus
from marketplace.search.queries import search_products
from marketplace.search.snippets import excerpt, highlight
from marketplace.search.substrings import NAME_WEIGHT, tripled
from marketplace.search.text import Term, query_terms
from tests.catalog.helpers import channel
from tests.factories import accept, product


def _names(query: str, **options: object) -> list[str]:
    rows = db.session.execute(search_products(query_terms(query), limit=50, **options)).all()
    return [found.name for found, _score, _matches in rows]


def _catalog(app: Flask) -> None:
    with app.app_context():
        product(
            "Bamboo basket",
            description="Woven from apus bamboo.",
            translations={
                "ko": ("대나무바구니", "수제 대나무가방을 엮었습니다."),
                "zh": ("手工竹编篮子", "这款篮子由万隆的工匠用竹子编织。"),
            },
        )
        product(
            "Rattan tray",
            description="A tray of rattan.",
            translations={
                "ko": ("등나무 쟁반", "바구니와 함께 쓰기 좋습니다."),
                "zh": ("藤编托盘", "适合与竹篮搭配。"),
            },
        )
        product("Tea", description="Green tea.", translations={"ko": ("녹차", "차 한 잔.")})
        product("Toy car", translations={"ko": ("자동차 장난감", "")})
        db.session.commit()


def test_cjk_query_words_are_substring_terms_except_one_hangul_syllable() -> None:
    assert query_terms("바구니 竹 가방") == [
        Term("바구니", prefix=False, substring=True),
        Term("竹", prefix=False, substring=True),
        Term("가방", prefix=False, substring=True),
    ]
    assert query_terms("차") == [Term("차", prefix=False)]
    assert query_terms("led조명") == [Term("led조명", prefix=False, substring=True)]
    assert tripled("竹篮") == "竹竹竹篮篮篮"


def test_a_korean_word_inside_a_compound_is_found(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("바구니") == ["Bamboo basket", "Rattan tray"]  # in a name, then a text
        assert _names("나무") == ["Rattan tray", "Bamboo basket"]  # 대나무, 등나무: newest first
        assert _names("가방") == ["Bamboo basket"]  # two syllables, mid-word: "대나무가방을"
        assert _names("대나무바구니") == ["Bamboo basket"]
        assert _names("바구니 쟁반") == ["Rattan tray"]  # every term must match


def test_a_chinese_word_inside_a_name_or_a_clause_is_found(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("竹编") == ["Bamboo basket"]
        assert _names("篮") == ["Bamboo basket", "Rattan tray"]  # one character: 竹篮 in a text
        assert _names("工匠") == ["Bamboo basket"]  # inside a clause of the description
        assert _names("编织") == ["Bamboo basket"]
        assert _names("竹子编") == ["Bamboo basket"]  # "用竹子编织"
        assert _names("篮子这款") == []  # the end of the name, the start of the description


def test_one_hangul_syllable_is_a_whole_word(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("차") == ["Tea"]  # the word 차, not 녹차 or 자동차


def test_substrings_with_a_word_and_with_filters(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("bamboo 바구니") == ["Bamboo basket"]
        assert _names("tray 바구니") == ["Rattan tray"]
        assert _names("rattan 竹编") == []
        tray = db.session.scalars(sa.select(Product).where(Product.name == "Rattan tray")).one()
        accept(tray, channel("harz-und-heide"))
        db.session.commit()
        where = filter_conditions(CatalogFilters(channel="harz-und-heide"), utcnow().date())
        assert _names("바구니", where=where) == ["Rattan tray"]
        assert _names("tray 나무", where=where) == ["Rattan tray"]


def test_the_name_weighs_more_and_only_visible_products_are_found(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        product("Hidden basket", status=ProductStatus.DRAFT, translations={"ko": ("바구니", "")})
        db.session.commit()
        rows = db.session.execute(search_products(query_terms("바구니"), limit=10)).all()
        assert [(found.name, score) for found, score, _ in rows] == [
            ("Bamboo basket", NAME_WEIGHT),
            ("Rattan tray", 1),
        ]


def test_snippets_mark_only_the_part_that_was_found() -> None:
    terms = query_terms("바구니")
    assert str(highlight("대나무바구니 세트", terms)) == "대나무<mark>바구니</mark> 세트"
    assert str(highlight("手工竹编篮子", query_terms("竹编"))) == "手工<mark>竹编</mark>篮子"
    marked = str(excerpt("Made of <b>bamboo</b>: 대나무바구니와 바구니", terms))
    assert (
        marked
        == "Made of &lt;b&gt;bamboo&lt;/b&gt;: 대나무<mark>바구니</mark>와 <mark>바구니</mark>"
    )
    both = str(highlight("Bamboo 바구니바구니", query_terms("bamb 바구니")))
    assert both == "<mark>Bamboo</mark> <mark>바구니바구니</mark>"  # touching parts: one mark
