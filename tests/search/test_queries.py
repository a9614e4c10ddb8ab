"""The search function: languages, prefixes, ranking, visibility, the candidate cap."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from marketplace.search.index import engine_for
from marketplace.search.queries import search_products
from marketplace.search.text import query_terms
from tests.factories import make_business, product


def _names(query: str, **options: int) -> list[str]:
    terms = query_terms(query)
    rows = db.session.execute(search_products(terms, limit=50, **options)).all()
    return [found.name for found, _score, _matches in rows]


def _catalog(app: Flask) -> None:
    with app.app_context():
        product(
            "Bamboo table lamp",
            description="A lamp woven from black bamboo.",
            materials="Black bamboo, rattan",
            translations={
                "id": ("Lampu meja bambu", "Lampu anyaman bambu hitam."),
                "de": ("Tischlampe", "Handgefertigt aus schwarzem Bambus."),
                "ko": ("대나무 스탠드", "검은 대나무로 엮은 램프입니다."),
                "fr": ("Lampe de table", "Tressée à la main, en écorce de bambou."),
            },
        )
        product(
            "Batik silk scarf",
            description="Hand-drawn batik on silk.",
            story="Our grandmother taught us the canting.",
            business=make_business(name="Sekar Jagad Collective"),
        )
        product("Coffee beans", description="Arabica from the slopes of Mount Malabar.")
        db.session.commit()


def test_finds_words_of_every_language(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("lamp") == ["Bamboo table lamp"]
        assert _names("anyaman") == ["Bamboo table lamp"]  # Indonesian
        assert _names("Handgefertigt") == ["Bamboo table lamp"]  # German only
        assert _names("대나무") == ["Bamboo table lamp"]  # Korean, also as "대나무로"
        assert _names("tressee") == ["Bamboo table lamp"]  # French, without the accent
        assert _names("écorce") == ["Bamboo table lamp"]


def test_short_words_before_another_are_whole_words(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("aus bambus") == ["Bamboo table lamp"]  # "aus" is in its German text
        assert _names("aus bamb") == ["Bamboo table lamp"]
        assert _names("on silk") == ["Batik silk scarf"]
        # "ar" would begin "Arabica"; before another word it is the word "ar" only
        assert _names("ar beans") == []
        assert _names("beans ar") == ["Coffee beans"]  # the last word is a prefix


def test_prefix_business_name_materials_and_story(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _names("bamb") == ["Bamboo table lamp"]
        assert _names("rattan") == ["Bamboo table lamp"]
        assert _names("sekar jagad") == ["Batik silk scarf"]
        assert _names("canting") == ["Batik silk scarf"]
        assert _names("malabar arabica") == ["Coffee beans"]
        assert _names("bamboo coffee") == []  # every word must match


def test_a_match_in_the_name_ranks_above_a_match_in_the_description(app: Flask) -> None:
    with app.app_context():
        product("Rattan tray", description="A tray for tea, with a basket weave.")
        product("Woven basket", description="Made of pandan leaves.")
        product("Pandan mat", description="Also sold with a basket.")
        db.session.commit()
        names = _names("basket")
    assert names[0] == "Woven basket"
    assert set(names) == {"Woven basket", "Rattan tray", "Pandan mat"}


def test_only_visible_products_are_found(app: Flask) -> None:
    with app.app_context():
        product("Visible lantern")
        product("Draft lantern", status=ProductStatus.DRAFT)
        product("Pending lantern", status=ProductStatus.PENDING_REVIEW)
        product("Archived lantern", status=ProductStatus.ARCHIVED)
        unverified = make_business(name="New maker", status=BusinessStatus.PENDING)
        product("Lantern of an unverified maker", business=unverified)
        suspended = make_business(name="Paused maker", status=BusinessStatus.SUSPENDED)
        product("Lantern of a suspended maker", business=suspended)
        db.session.commit()
        assert _names("lantern") == ["Visible lantern"]


def test_cap_ranks_only_the_newest_candidates_and_counts_more_than(app: Flask) -> None:
    with app.app_context():
        maker = make_business(name="Kriya Bandung")
        for n in range(5):
            product(f"Basket number {n}", business=maker)
        db.session.commit()
        terms = query_terms("basket")
        # cap + 1 candidates are taken, so that the count can say "more than 3"
        newest = sorted(db.session.scalars(db.select(Product.id)).all())[-4:]
        rows = db.session.execute(search_products(terms, limit=10, cap=3)).all()
        assert sorted(found.id for found, _, _ in rows) == newest
        assert {matches for _, _, matches in rows} == {4}
        everything = db.session.execute(search_products(terms, limit=2)).all()
        assert len(everything) == 2
        assert {matches for _, _, matches in everything} == {5}


def test_pages_by_score_then_id(app: Flask) -> None:
    with app.app_context():
        maker = make_business(name="Rotan Craft")
        for n in range(5):
            product(f"Rattan chair {n}", business=maker)
        db.session.commit()
        terms = query_terms("rattan chair")
        first = db.session.execute(search_products(terms, limit=2)).all()
        last_product, last_score, _matches = first[-1]
        rest = db.session.execute(
            search_products(terms, limit=10, after=(last_score, last_product.id))
        ).all()
    seen = [p.name for p, _, _ in first] + [p.name for p, _, _ in rest]
    assert sorted(seen) == [f"Rattan chair {n}" for n in range(5)]


def optimize(connection: sa.Connection) -> None:
    engine_for(connection.dialect.name).optimize(connection)


def test_several_common_words_find_the_newest_matches(app: Flask) -> None:
    """Words that go together in most products: on PostgreSQL the newest rows are read
    instead of the GIN index (`postgres_several._window`); the candidates are the same."""
    with app.app_context():
        maker = make_business(name="Rotan Craft")
        for n in range(12):
            product(f"Rattan chair {n}", business=maker)
        product("Teak table", business=maker)
        db.session.commit()
        optimize(db.session.connection())  # the planner's statistics, which the choice reads
        rows = db.session.execute(search_products(query_terms("rattan chair"), limit=10, cap=3))
        found = sorted(found.id for found, _, _ in rows)
        chairs = db.select(Product.id).where(Product.name.startswith("Rattan chair"))
        assert found == sorted(db.session.scalars(chairs).all())[-4:]


def test_prefixes_rarely_together_find_every_longer_word_they_begin(app: Flask) -> None:
    """Several prefixes, each common, rarely together: every product whose words begin with
    each of them is found, whichever word holds the longer form (on PostgreSQL the prefixes are
    spelt out as the words they begin, in parts: `postgres_several._spelled_matches`), and a
    prefix that begins more words than are spelt out is still searched whole."""
    many = " ".join(f"korb{a}{b}" for a in "abcdefghij" for b in "abcdefgh")  # 80 words
    with app.app_context():
        maker = make_business(name="Rotan Craft")
        together = [
            product("Rattan korb", business=maker),
            product("Rattankorb", description="Geflochtener Korb.", business=maker),
            product("Rattan korbtasche", business=maker),
            product("Rattanschale mit Korbgriff", business=maker),
            product("Rattan 4korb", business=maker),  # no word begins with "korb"
            product("Rattan", description=many, business=maker),
        ]
        for n in range(20):
            product(f"Rattan lamp {n}", business=maker)
            product(f"Korb aus Bambus {n}", business=maker)
        db.session.commit()
        optimize(db.session.connection())
        for query in ("rattan korb", "korb rattan"):
            rows = db.session.execute(search_products(query_terms(query), limit=10, cap=8))
            found = sorted(found.name for found, _, _ in rows)
            expected = [item.name for item in together if item.name != "Rattan 4korb"]
            assert found == sorted(expected), query


def test_several_words_rarely_together_are_all_found(app: Flask) -> None:
    """Each word is common, together they are rare and old: the newest rows hold none of
    their matches, and the GIN index finds them."""
    with app.app_context():
        maker = make_business(name="Rotan Craft")
        product("Rattan chair classic", business=maker)
        for n in range(20):
            product(f"Rattan lamp {n}", business=maker)
            product(f"Teak chair {n}", business=maker)
        db.session.commit()
        optimize(db.session.connection())
        rows = db.session.execute(search_products(query_terms("rattan chair"), limit=10, cap=3))
        assert [(found.name, matches) for found, _, matches in rows] == [
            ("Rattan chair classic", 1)
        ]
