"""Snippets mark what was found and never let product text become markup."""

from __future__ import annotations

from flask import Flask

from marketplace.db import db
from marketplace.search.snippets import best_snippet, excerpt, highlight
from marketplace.search.text import query_terms
from tests.factories import product


def test_highlight_marks_matching_words_only() -> None:
    assert str(highlight("Bamboo lamp, bamboo-woven", query_terms("bamb"))) == (
        "<mark>Bamboo</mark> lamp, <mark>bamboo</mark>-woven"
    )
    assert str(highlight("Écharpe en soie", query_terms("echarpe"))) == (
        "<mark>Écharpe</mark> en soie"
    )


def test_markup_in_product_text_is_escaped() -> None:
    text = 'A <script>alert("x")</script> lamp & <b>bamboo</b>'
    marked = str(excerpt(text, query_terms("bamboo")))
    assert "<script>" not in marked and "<b>" not in marked
    assert "&lt;script&gt;" in marked
    assert "&amp;" in marked
    assert "<mark>bamboo</mark>" in marked


def test_excerpt_is_a_window_around_the_first_match() -> None:
    text = " ".join(f"word{n}" for n in range(100)) + " bamboo " + "tail " * 50
    marked = str(excerpt(text, query_terms("bamboo")))
    assert marked.startswith("…") and marked.endswith("…")
    assert "<mark>bamboo</mark>" in marked
    assert "word0 " not in marked
    assert excerpt("no match here", query_terms("bamboo")) is None


def test_best_snippet_names_the_language_of_a_translation(app: Flask) -> None:
    with app.app_context():
        item = product(
            "Table lamp",
            description="A lamp for a desk.",
            translations={"de": ("Tischlampe", "Handgefertigt aus Bambus.")},
        )
        snippet = best_snippet(item, query_terms("handgefertigt"), "en")
        assert snippet is not None
        assert snippet.language == "Deutsch"
        assert "<mark>Handgefertigt</mark>" in str(snippet.text)
        db.session.rollback()
