""" "Did you mean ...?": the closest words of the catalog to the words a buyer misspelt.

A searched word is taken for a typo when it is suggestible (`text.suggestible`: letters of an
alphabet with spelling, Han, Hangul and Kana excepted), at least MIN_TYPO_CHARS long, and not a
word of any visible product (`vocabulary.py`). It is then replaced by the closest word of the
vocabulary within its budget of edits: one for words of up to seven letters, two from
LONG_WORD_CHARS on. Distance is the optimal string alignment distance (rapidfuzz): an
insertion, a deletion, a substitution or two neighbouring letters swapped is one edit. Among
equally close words, the one the typed word begins ("bambo" -> "bamboo", not "bambu"), then
the one in more products, then the first in alphabetical order, so both databases choose the
same word.

Candidates are found without reading the whole vocabulary, and completely: cut the typed
word, padded with a space on each side, into one more piece than it has edits. Every word
within that many insertions, deletions and substitutions still holds one of the pieces
unchanged (each edit can spoil one piece only), so the candidates are the words of a close
length that contain a piece, which a trigram index answers ("angklng" -> " angk" or "lng ":
words that begin with "angk" or end with "lng"). A swap spoils two pieces, so the typed
word's swaps are looked up as they are. Both databases are asked for exactly these words,
so they return the same candidates (pg_trgm's similarity threshold would not: it misses
close short words and ranks differently from a SQLite index).

All of it is two statements at most: whether the words are known, then the candidates of
those that are not, whatever the size of the catalog or of the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from rapidfuzz.distance import OSA

from marketplace.search.index import engine_for
from marketplace.search.text import Term, suggestible
from marketplace.search.vocabulary import WORDS, Lookup

MIN_TYPO_CHARS = 4  # below this, every word is one edit away from many others
LONG_WORD_CHARS = 8  # from this length on, two edits


@dataclass(frozen=True)
class Suggestion:
    """The searched words with each typo replaced by its correction."""

    terms: list[Term]

    @property
    def query(self) -> str:
        """The corrected words, as they would be typed in the search box."""
        return " ".join(term.word for term in self.terms)


def edits_allowed(word: str) -> int:
    return 1 if len(word) < LONG_WORD_CHARS else 2


def pieces(word: str, edits: int) -> tuple[str, ...]:
    """ " word " cut into edits + 1 pieces of nearly equal length (three characters at least,
    the shortest a trigram index can look up)."""
    padded = f" {word} "
    count = edits + 1
    size, longer = divmod(len(padded), count)
    cut, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < longer else 0)
        cut.append(padded[start:end])
        start = end
    return tuple(cut)


def swaps(word: str) -> list[str]:
    """The word with two neighbouring letters swapped, at every place where that changes it."""
    return [
        word[:n] + word[n + 1] + word[n] + word[n + 2 :]
        for n in range(len(word) - 1)
        if word[n] != word[n + 1]
    ]


def _closest(word: str, candidates: Sequence[tuple[str, int]]) -> str | None:
    budget = edits_allowed(word)
    best: tuple[int, bool, int, str] | None = None
    for candidate, documents in candidates:
        if candidate == word or abs(len(candidate) - len(word)) > budget:
            continue
        distance = OSA.distance(word, candidate, score_cutoff=budget)
        if distance > budget:
            continue
        key = (distance, not candidate.startswith(word), -documents, candidate)
        if best is None or key < best:
            best = key
    return best[3] if best else None


def _typos(terms: Sequence[Term]) -> list[str]:
    return [
        term.word
        for term in terms
        if not term.substring and len(term.word) >= MIN_TYPO_CHARS and suggestible(term.word)
    ]


def suggest(connection: sa.Connection, terms: Sequence[Term]) -> Suggestion | None:
    """The searched words with their typos corrected, or None when none was found."""
    checked = _typos(terms)
    if not checked:
        return None
    known = set(connection.scalars(sa.select(WORDS.c.word).where(WORDS.c.word.in_(checked))))
    unknown = [word for word in checked if word not in known]
    if not unknown:
        return None
    lookups = []
    for word in unknown:
        edits = edits_allowed(word)
        lookups.append(Lookup(pieces(word, edits), len(word) - edits, len(word) + edits))
    exact = sorted({swapped for word in unknown for swapped in swaps(word)})
    candidates = engine_for(connection.dialect.name).word_candidates(connection, lookups, exact)
    corrections = {word: _closest(word, candidates) for word in unknown}
    if not any(corrections.values()):
        return None
    corrected: dict[str, Term] = {}
    for term in terms:
        word = corrections.get(term.word) or term.word
        corrected.setdefault(word, Term(word, term.prefix, term.substring))
    return Suggestion(list(corrected.values()))
