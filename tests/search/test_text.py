"""Folding, words and the match expressions: what reaches a database is plain words only."""

from __future__ import annotations

import pytest

from marketplace.search.documents import build_document
from marketplace.search.postgres_fts import tsvector_literal
from marketplace.search.postgres_terms import tsquery_literal
from marketplace.search.sqlite_fts import match_expression, substring_expression
from marketplace.search.substrings import split_terms
from marketplace.search.text import (
    MAX_QUERY_TERMS,
    Term,
    fold,
    matches_term,
    query_terms,
    words,
)


def test_fold_removes_case_and_diacritics_but_keeps_hangul() -> None:
    assert fold("Français Écharpe") == "francais echarpe"
    assert fold("Straße") == "strasse"
    assert fold("대나무 바구니") == "대나무 바구니"


def test_words_split_on_everything_but_letters_and_digits() -> None:
    assert words("Hand-woven bamboo_basket, 30cm (Bandung)!") == [
        "hand",
        "woven",
        "bamboo",
        "basket",
        "30cm",
        "bandung",
    ]
    assert words("대나무로 만든 램프") == ["대나무로", "만든", "램프"]


@pytest.mark.parametrize(
    "hostile",
    ['"', "'", "AND OR NOT", "*", "NEAR(", "-", "a:b", "' OR 1=1 --", "%", "_", "\x00", "🙂"],
)
def test_query_terms_never_carry_syntax(hostile: str) -> None:
    for term in query_terms(hostile):
        assert term.word.isalnum()


def test_query_terms_are_cut_to_size() -> None:
    assert query_terms("x" * 10_000) == []  # one 200-letter "word" is not a word
    many = " ".join(f"word{n}" for n in range(50))
    assert len(query_terms(many)) == MAX_QUERY_TERMS
    assert query_terms("Bamboo bamboo BAMBOO") == [Term("bamboo", prefix=True)]


def test_prefix_matching_rule() -> None:
    assert matches_term("bamboo", query_terms("bamb"))
    assert matches_term("대나무로", query_terms("대나무"))
    assert not matches_term("basket", query_terms("bamb"))
    assert matches_term("a", query_terms("a")) and not matches_term("ab", query_terms("a"))


def test_short_words_before_another_word_are_whole_words() -> None:
    """In "korb aus bambus", "aus" is the word "aus", not every word it begins; the last
    word may still be being typed, and Korean words take particles, so those stay prefixes."""
    assert query_terms("korb aus bambus") == [
        Term("korb", prefix=True),
        Term("aus", prefix=False),
        Term("bambus", prefix=True),
    ]
    assert query_terms("made in ban") == [
        Term("made", prefix=True),
        Term("in", prefix=False),
        Term("ban", prefix=True),
    ]
    # Korean words of two syllables or more are substring terms (see test_cjk_terms...)
    assert query_terms("대나 바구니") == [
        Term("대나", prefix=False, substring=True),
        Term("바구니", prefix=False, substring=True),
    ]
    assert query_terms("in bag in") == [Term("in", prefix=True), Term("bag", prefix=False)]
    terms = query_terms("panier en rotin")
    assert matches_term("en", terms) and not matches_term("english", terms)


def test_match_expressions_quote_every_term() -> None:
    terms = query_terms("' OR 1=1 -- bamb 대나무")
    words, substrings = split_terms(terms)
    assert match_expression(words) == '"or" "1" "bamb"*'
    assert tsquery_literal(words) == "'or' & '1' & 'bamb':*"
    assert substring_expression(substrings) == '"대대대나나나무무무"'


def test_tsvector_literal_weights_each_field() -> None:
    document = build_document(
        7,
        name="Bamboo lamp",
        description="A lamp",
        materials="Bamboo",
        story=None,
        business_name="Awi Kriya",
    )
    assert tsvector_literal(document) == "'bamboo':1A,5C 'lamp':2A,7D 'awi':3B 'kriya':4B 'a':6D"
