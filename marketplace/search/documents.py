"""What the index holds for one product: its words, grouped by how much a match there weighs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marketplace.search.substrings import cjk_text
from marketplace.search.text import words

# A description longer than this adds nothing to finding the product, only to the index size.
MAX_FIELD_WORDS = 2000


@dataclass(frozen=True)
class Document:
    """The folded words of one visible product, by weight: a match in `names` (the name in
    every language) counts most, then the maker's business name, the materials, and last the
    body (descriptions in every language and the maker's story)."""

    product_id: int
    names: list[str]
    business: list[str]
    materials: list[str]
    body: list[str]

    @property
    def fields(self) -> tuple[list[str], list[str], list[str], list[str]]:
        return self.names, self.business, self.materials, self.body

    @property
    def cjk_names(self) -> str:
        """The names' words in Han, Hangul or Kana, as the trigram index holds them."""
        return cjk_text(self.names)

    @property
    def cjk_rest(self) -> str:
        """The other fields' words in Han, Hangul or Kana, as the trigram index holds them."""
        return cjk_text(self.business + self.materials + self.body)

    @property
    def distinct_words(self) -> set[str]:
        """Every word of this product, once (what the vocabulary counts)."""
        return {word for field in self.fields for word in field}


def _field(texts: Iterable[str | None]) -> list[str]:
    collected: list[str] = []
    for text in texts:
        collected.extend(words(text))
        if len(collected) >= MAX_FIELD_WORDS:
            return collected[:MAX_FIELD_WORDS]
    return collected


def build_document(
    product_id: int,
    *,
    name: str,
    description: str | None,
    materials: str | None,
    story: str | None,
    business_name: str,
    translations: Iterable[tuple[str, str | None]] = (),
    translated_materials: Iterable[str | None] = (),
    translated_stories: Iterable[str | None] = (),
) -> Document:
    """`translations` are (name, description) pairs in any language; the materials and
    stories in other languages weigh as the English ones do."""
    pairs = list(translations)
    return Document(
        product_id=product_id,
        names=_field([name, *(pair[0] for pair in pairs)]),
        business=_field([business_name]),
        materials=_field([materials, *translated_materials]),
        body=_field([description, *(pair[1] for pair in pairs), story, *translated_stories]),
    )
