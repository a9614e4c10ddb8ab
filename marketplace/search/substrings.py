"""Finding a Chinese or Korean word inside a longer one: the trigram index beside the word index.

A Korean compound ("대나무바구니") or a Chinese clause ("手工竹编篮子") is one word to the word
index, and the word searched for ("바구니", "竹编") sits inside it. So the words of a product
that hold Han, Hangul or Kana (`text.has_cjk`) are also written to a trigram index: FTS5's
`trigram` tokenizer on SQLite (table `search_cjk`), pg_trgm's GIN operator class on PostgreSQL
(the same table and text). A trigram index finds any substring of three characters or more.

Many of these words are shorter than that: "가방" (bag), "竹篮" (bamboo basket), "竹"
(bamboo). Both the texts and the searched words are therefore written with every character
tripled ("竹篮" -> "竹竹竹篮篮篮"). Every trigram of a tripled text is then one character
("竹竹竹") or two neighbouring ones ("竹竹篮", "竹篮篮"), and a word of any length is a
substring of a text exactly when its tripled form is a substring of the tripled text: one
character and two characters are found through the index like longer words, and no search
falls back to reading every row. The index holds three trigrams per character instead of one;
only the words with these scripts are in it.

A product's score for such a search is the same on both databases: for each substring term,
NAME_WEIGHT when its name (in any language) holds it, else 1. Then the newest listing first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from marketplace.search.text import Term, has_cjk

NAME_WEIGHT = 10


def tripled(word: str) -> str:
    """Every character three times."""
    return "".join(char * 3 for char in word)


def cjk_text(words: Iterable[str]) -> str:
    """The distinct words that hold Han, Hangul or Kana, tripled, one space between them."""
    return " ".join(tripled(word) for word in dict.fromkeys(words) if has_cjk(word))


def split_terms(terms: Sequence[Term]) -> tuple[list[Term], list[Term]]:
    """(terms the word index answers, substring terms the trigram index answers)."""
    return [t for t in terms if not t.substring], [t for t in terms if t.substring]
