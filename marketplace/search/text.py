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
being typed.

Chinese is written without spaces and Korean joins nouns into compounds ("대나무바구니",
bamboo basket), so a "word" of those scripts is often a whole name or clause, and the word
searched for sits inside it. A query word written in Han, Hangul or Kana is therefore a
substring term: it finds every indexed word that contains it, through a trigram index beside
the word index (`substrings.py`). One exception: a single Hangul syllable ("차", tea; "면",
cotton) is a whole word, as before, since as a substring it is inside a great many unrelated
words. A single Han character ("竹", bamboo) is a substring term: in Chinese it is a word.
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
MIN_SUGGESTIBLE_CHARS = 3
MAX_SUGGESTIBLE_CHARS = 30


# Han (unified ideographs with extension A and the compatibility block), Hangul (syllables
# and jamo), Hiragana and Katakana; the supplementary ideographs of planes 2 and 3.
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\U00020000-\U0003134f]"
)


class Term(NamedTuple):
    """A folded query word, and how it matches a word of a text: the same word, a word it
    begins (`prefix`), or a word it is part of (`substring`, for Han, Hangul and Kana)."""

    word: str
    prefix: bool
    substring: bool = False

    def matches(self, word: str) -> bool:
        """Whether a folded word of a text is what this term finds."""
        if self.substring:
            return self.word in word
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
    """The folded words of `text`, in order, with over-long ones left out. A long run of
    Chinese or Japanese is a clause, not noise: it is cut into pieces instead."""
    if not text:
        return []
    found: list[str] = []
    for word in _WORD.findall(fold(text)):
        if len(word) <= MAX_WORD_CHARS:
            found.append(word)
        elif has_cjk(word):
            found.extend(word[n : n + MAX_WORD_CHARS] for n in range(0, len(word), MAX_WORD_CHARS))
    return found


def suggestible(word: str) -> bool:
    """Whether a folded word belongs in the vocabulary that typos are corrected against:
    letters only, of an alphabet with spelling mistakes (not Han, Hangul or Kana), neither
    too short to be told from its neighbours nor a long code."""
    return (
        MIN_SUGGESTIBLE_CHARS <= len(word) <= MAX_SUGGESTIBLE_CHARS
        and word.isalpha()
        and not has_cjk(word)
    )


def _is_hangul(word: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in word)


def has_cjk(word: str) -> bool:
    """Whether `word` holds a Han, Hangul or Kana character (a word searched by substring)."""
    return _CJK.search(word) is not None


def _term(word: str, prefix: bool) -> Term:
    if has_cjk(word) and not (len(word) == 1 and _is_hangul(word)):
        return Term(word, prefix=False, substring=True)
    return Term(word, prefix)


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
    return [_term(word, is_prefix) for word, is_prefix in prefix.items()][:MAX_QUERY_TERMS]


def typed(terms: Iterable[Term]) -> str:
    """The terms as one string, a prefix marked with a trailing `*` ("bamb* basket"): what a
    cursor or a kept result belongs to."""
    return " ".join(f"{term.word}{'*' if term.prefix else ''}" for term in terms)


def matches_term(word: str, terms: Iterable[Term]) -> bool:
    """Whether a folded word of a text is what one of the query terms finds."""
    return any(term.matches(word) for term in terms)
