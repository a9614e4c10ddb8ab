"""Typos: the closest word of the catalog, found the same way on both databases."""

from __future__ import annotations

from flask import Flask

from marketplace.db import db
from marketplace.search.suggestions import pieces, suggest, swaps
from marketplace.search.text import Term, query_terms
from tests.factories import make_business, product


def _suggested(query: str) -> str | None:
    found = suggest(db.session.connection(), query_terms(query))
    return found.query if found else None


def _catalog(app: Flask) -> None:
    with app.app_context():
        product(
            "Angklung set, 8 notes",
            description="Tuned bamboo angklung.",
            business=make_business(name="Saung Angklung"),
            translations={"id": ("Angklung diatonis", "Angklung dari bambu hitam.")},
        )
        product("Bamboo basket", description="Woven from bamboo.")
        product("Batik scarf", description="Hand-drawn batik on silk.")
        product("Rattan keranjang", description="Keranjang rotan.")
        db.session.commit()


def test_pieces_keep_one_piece_whole_for_every_edit() -> None:
    assert pieces("bambo", 1) == (" bam", "bo ")
    assert pieces("angklng", 1) == (" angk", "lng ")
    assert pieces("keranjnag", 2) == (" ker", "anjn", "ag ")
    assert all(len(piece) >= 3 for piece in pieces("bamb", 1))
    assert swaps("abb") == ["bab"]


def test_typos_are_corrected_to_the_closest_word(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _suggested("angklng") == "angklung"  # a letter left out
        assert _suggested("bambo") == "bamboo"  # begun by it: before "bambu" (also one edit)
        assert _suggested("batic scarf") == "batik scarf"  # a letter replaced; "scarf" stays
        assert _suggested("bmaboo") == "bamboo"  # two letters swapped
        assert _suggested("keranjnag") == "keranjang"  # long word: two edits allowed
        assert _suggested("Angklnug Bambo") == "angklung bamboo"


def test_no_suggestion_for_known_short_foreign_or_hopeless_words(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        assert _suggested("bamboo") is None  # a word of the catalog
        assert _suggested("bambu angklung") is None
        assert _suggested("bam") is None  # too short to be told from its neighbours
        assert _suggested("xylophone") is None  # nothing close
        assert _suggested("바구니") is None  # substring terms are not corrected
        assert _suggested("' OR 1=1 --") is None
        assert _suggested("bamboo5") is None  # codes are not words


def test_a_correction_keeps_the_other_words_and_their_rules(app: Flask) -> None:
    _catalog(app)
    with app.app_context():
        found = suggest(db.session.connection(), query_terms("angklng set"))
        assert found is not None
        assert found.terms == [Term("angklung", prefix=True), Term("set", prefix=True)]
        # two typos of the same word become one term
        twice = suggest(db.session.connection(), query_terms("bambo bamboi"))
        assert twice is not None and twice.query == "bamboo"


def test_the_more_frequent_word_wins_a_tie(app: Flask) -> None:
    with app.app_context():
        product("Silk scarf", description="Silk.")
        product("Silk shawl", description="Silk.")
        product("Milk jug", description="For milk.")
        db.session.commit()
        assert _suggested("tilk") == "silk"  # silk (2 products) before milk (1), both 1 edit
