"""Words as the search index sees them: one folding and one tokenizer for both databases.

Text is folded and split into words in Python, before it reaches either database, so that
SQLite and PostgreSQL index exactly the same words and a query means the same on both:

- folding is Unicode case folding plus removal of diacritics ("Français" -> "francais",
  "Straße" -> "strasse"), with Hangul recomposed afterwards so Korean stays Korean. PostgreSQL
  would need the optional `unaccent` extension for this; doing it here needs nothing.
- a word is a run of Unicode letters and digits. There is no stemming: English stemmers break
  Indonesian and German words, and no stemmer exists for the mix of languages we hold.

Query words are matched as prefixes: that is what makes "bamb" find "bamboo", and it also
serves the languages without stemming: Korean particles are suffixes ("대나무로" is found by
"대나무") and German compounds often start with the word searched for ("Bambuskorb" is found
by "bambus"). Two exceptions. A one-character word is matched exactly, since a one-letter
prefix matches most of the index. And a short word (up to three letters, not Korean) typed in
full before another word is a whole word: "aus" in "korb aus bambus", "en" in "panier en
rotin" and "in" in "made in bandung" mean those words, not "ausgezeichnet", "english" or
"indigo"; matching them as prefixes would only add noise, and make the database read the
match lists of every word they begin. The last word is always a prefix: it may still be
being typed. A trigram index would find words inside
compounds too, but it cannot match anything shorter than three characters, and many Korean
words are two syllables ("가방", bag): prefix matching on whole words serves our languages better.
One-character words are matched exactly, since a one-letter prefix matches most of the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_CHARS = 200  # a search box needs no more; anything longer is cut, not refused
MAX_QUERY_TERMS = 8
MAX_WORD_CHARS = 64  # longer "words" are codes or noise, and bloat the index
MIN_PREFIX_CHARS = 2
SHORT_WORD_CHARS = 3  # a word this short, followed by another, is taken whole


class Term(NamedTuple):
    """A folded query word, and whether it also finds the longer words it begins."""

    word: str
    prefix: bool

    def matches(self, word: str) -> bool:
        """Whether a folded word of a text is what this term finds."""
        return word.startswith(self.word) if self.prefix else word == self.word


@cache
def _folding_table() -> dict[int, str | None]:
    """For every character of the Basic Multilingual Plane that folding changes: its
    compatibility decomposition without combining marks ("é" -> "e", "ﬁ" -> "fi"), or
    nothing for a lone combining mark. Hangul syllables are left whole. Built once."""
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xAC00 <= code <= 0xD7A3:
            continue
        if unicodedata.combining(char):
            table[code] = None
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        plain = "".join(part for part in decomposed if not unicodedata.combining(part))
        if plain != char:
            table[code] = plain
    return table


def fold(text: str) -> str:
    """Lower-case without diacritics, comparable across languages and databases."""
    if text.isascii():
        return text.lower()
    return text.casefold().translate(_folding_table())


def words(text: str | None) -> list[str]:
    """The folded words of `text`, in order, with over-long ones left out."""
    if not text:
        return []
    return [word for word in _WORD.findall(fold(text)) if len(word) <= MAX_WORD_CHARS]


def _is_hangul(word: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in word)


def query_terms(query: str | None) -> list[Term]:
    """The distinct words of a search box entry, each with its matching rule: cut to size,
    never an error.

    Quotes, operators, SQL fragments and control characters are not words, so they vanish
    here; what reaches a database is a list of plain words.
    """
    if not query:
        return []
    found = words(query[:MAX_QUERY_CHARS].replace("\x00", " "))
    prefix: dict[str, bool] = {}
    for position, word in enumerate(found):
        open_ended = position == len(found) - 1 or len(word) > SHORT_WORD_CHARS or _is_hangul(word)
        prefix[word] = prefix.get(word, False) or (len(word) >= MIN_PREFIX_CHARS and open_ended)
    return [Term(word, is_prefix) for word, is_prefix in prefix.items()][:MAX_QUERY_TERMS]


def matches_term(word: str, terms: Iterable[Term]) -> bool:
    """Whether a folded word of a text is what one of the query terms finds."""
    return any(term.matches(word) for term in terms)
