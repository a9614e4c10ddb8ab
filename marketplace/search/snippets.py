"""Highlighted snippets: where in a product's texts the searched words were found.

Snippets are cut from the texts already loaded for the result cards, in Python, so both
databases give the same snippets. Matching uses the index's own folding and prefix rule
(`text.py`), so what is marked is what was found: a whole word for a word term, only the
part of a word a substring term found (in "대나무바구니", "바구니"). The text is escaped
piece by piece and only our own <mark> elements are markup: a description containing
"<script>" stays text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from marketplace.i18n import CONTENT_LOCALES
from marketplace.products.models import Product
from marketplace.search.text import Term, fold, matches_term

_WORD = re.compile(r"[^\W_]+")
CONTEXT_WORDS = 12  # words shown on each side of the first match
ELLIPSIS = "…"


class Hit(NamedTuple):
    """A part of a text to mark: in its `word`-th word, from `start` to `end`."""

    word: int
    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    language: str | None  # the language's name when the text is a translation
    text: Markup


def _may_match(text: str, terms: Sequence[Term]) -> bool:
    """A quick test on the whole text, so that only a text with a match is split into words
    (a card has several texts to look through, most without the searched words)."""
    folded = fold(text)
    return any(term.word in folded for term in terms)


def _inside(word: str, offset: int, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Where in `word` (which starts at `offset` of the text) the substring terms are, as
    ranges of the text: the folded word is searched, and each folded character traced back
    to the character it came from."""
    folded, origin = "", []
    for position, char in enumerate(word):
        piece = fold(char)
        folded += piece
        origin += [position] * len(piece)
    ranges: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term.word)
        while start >= 0:
            end = start + len(term.word)
            ranges.append((offset + origin[start], offset + origin[end - 1] + 1))
            start = folded.find(term.word, end)
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _spans(text: str, terms: Sequence[Term]) -> tuple[list[re.Match[str]], list[Hit]]:
    """Every word of `text`, and what to mark: whole words that match a word term, the part
    of a word that a substring term found."""
    if not _may_match(text, terms):
        return [], []
    spans = list(_WORD.finditer(text))
    inside = [term for term in terms if term.substring]
    hits: list[Hit] = []
    for n, span in enumerate(spans):
        folded = fold(span.group())
        if matches_term(folded, [term for term in terms if not term.substring]):
            hits.append(Hit(n, span.start(), span.end()))
        elif inside and any(term.word in folded for term in inside):
            hits += [
                Hit(n, start, end) for start, end in _inside(span.group(), span.start(), inside)
            ]
    return spans, hits


def _marked(text: str, hits: list[Hit], start: int, end: int) -> Markup:
    """text[start:end] escaped, with the found parts wrapped in <mark>."""
    parts: list[Markup] = []
    cursor = start
    for hit in hits:
        if hit.start < start or hit.end > end:
            continue
        parts.append(escape(text[cursor : hit.start]))
        parts.append(Markup("<mark>") + escape(text[hit.start : hit.end]) + Markup("</mark>"))
        cursor = hit.end
    parts.append(escape(text[cursor:end]))
    return Markup("").join(parts)


def highlight(text: str, terms: Sequence[Term]) -> Markup:
    """The whole of a short text (a name) with its matching words marked."""
    text = unicodedata.normalize("NFC", text)
    _spans_found, hits = _spans(text, terms)
    return _marked(text, hits, 0, len(text))


def excerpt(text: str | None, terms: Sequence[Term]) -> Markup | None:
    """A few words around the first match, marked; None when the text has no match."""
    if not text or not terms:
        return None
    text = unicodedata.normalize("NFC", text)
    spans, hits = _spans(text, terms)
    if not hits:
        return None
    word = hits[0].word
    first, last = max(0, word - CONTEXT_WORDS), min(len(spans) - 1, word + CONTEXT_WORDS)
    start = 0 if first == 0 else spans[first].start()
    end = len(text) if last == len(spans) - 1 else spans[last].end()
    marked = _marked(text, hits, start, end)
    return (
        (Markup(ELLIPSIS) if start else Markup(""))
        + marked
        + (Markup(ELLIPSIS) if end < len(text) else Markup(""))
    )


def best_snippet(product: Product, terms: Sequence[Term], locale: str) -> Snippet | None:
    """The first text that matches, in the order a reader would look: the description in
    their language, the English one, the other translations, materials and story (in the
    reader's language first), maker."""
    translations = sorted(product.translations, key=lambda t: (t.locale != locale, t.locale))
    candidates: list[tuple[str | None, str | None]] = [
        (None, t.description) for t in translations if t.locale == locale
    ]
    candidates.append((None, product.description))
    for translation in translations:
        if translation.locale != locale:
            name = CONTENT_LOCALES.get(translation.locale, translation.locale)
            candidates.append((name, f"{translation.name}. {translation.description or ''}"))
    own = [t for t in translations if t.locale == locale]
    candidates += [(None, t.materials) for t in own] + [(None, product.materials)]
    candidates += [(None, t.story) for t in own] + [(None, product.story)]
    candidates.append((None, product.business.name))
    for language, text in candidates:
        found = excerpt(text, terms)
        if found is not None:
            return Snippet(language, found)
    return None
