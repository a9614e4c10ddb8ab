"""The vocabulary of the index: its words, with the number of visible products that hold each.
Typos are corrected against its suggestible words (`text.suggestible`); on SQLite it holds
only those, on PostgreSQL every word, so that a prefix can be searched as the words it begins
(`postgres_fts`: an engine's `in_vocabulary` says which words it keeps).

`search_words` (word, documents) is kept with the index, in the same transaction: when the
index rows of some products are rewritten, the words they held before are counted down and
the words they hold now counted up; a word no product holds any more is removed, so a
suggestion never names a word that finds nothing. A rebuild fills it from the index's own
count of every word (fts5vocab on SQLite, ts_stat on PostgreSQL). Words are updated in
alphabetical order, so two transactions that share words lock them in the same order.

Each database finds the candidates for a correction through a trigram index over the words
(a contentless FTS5 trigram table on SQLite, pg_trgm's GIN operator class on PostgreSQL):
see `suggestions.py` for what is asked of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import sqlalchemy as sa

WORDS = sa.table("search_words", sa.column("word", sa.Text), sa.column("documents", sa.Integer))
BATCH = 1000
_ADD = sa.text(
    "INSERT INTO search_words (word, documents) VALUES (:word, :documents) "
    "ON CONFLICT (word) DO UPDATE SET documents = search_words.documents + excluded.documents"
)


@dataclass(frozen=True)
class Lookup:
    """Words that contain one of `pieces` (a leading space: the word begins with the rest; a
    trailing space: it ends with it) and have `shortest` to `longest` characters."""

    pieces: tuple[str, ...]
    shortest: int
    longest: int


def _batches(items: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def update(connection: sa.Connection, before: Counter[str], after: Counter[str]) -> None:
    """Count down the words that rewritten products held (`before`, words -> products) and
    count up those they hold now (`after`)."""
    delta = Counter(after)
    delta.subtract(before)
    changed = sorted(word for word, count in delta.items() if count)
    for batch in _batches(changed):
        connection.execute(_ADD, [{"word": word, "documents": delta[word]} for word in batch])
    gone = [word for word in changed if delta[word] < 0]
    for batch in _batches(gone):
        connection.execute(sa.delete(WORDS).where(WORDS.c.word.in_(batch), WORDS.c.documents <= 0))


def clear(connection: sa.Connection) -> None:
    connection.execute(sa.delete(WORDS))


def fill(connection: sa.Connection, counts: Iterable[tuple[str, int]]) -> None:
    """Write the vocabulary of an index just rebuilt from (word, products) of its words."""
    rows = [{"word": word, "documents": n} for word, n in counts]
    rows.sort(key=lambda row: str(row["word"]))
    for start in range(0, len(rows), BATCH):
        connection.execute(sa.insert(WORDS), rows[start : start + BATCH])
