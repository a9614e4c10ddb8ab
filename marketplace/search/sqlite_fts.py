"""The search index on SQLite: an FTS5 table `search_products`, one row per visible product.

The row id is minus the product id. FTS5 reads a term's matches lazily in ascending row id
order but has to decode the whole list to walk it backwards, so negative ids make "the newest
listings first" the cheap direction: the first CANDIDATE_CAP matches of even the most common
word are read without touching the rest.

The text arrives already folded and split (see `text.py`), so FTS5's `unicode61` tokenizer
only has to split on the spaces. A prefix query normally makes FTS5 merge the match lists of
every word with that prefix before it returns the first row; the prefix index on two- to
five-character prefixes answers those like single words, lazily. Ranking is FTS5's bm25 with
the columns weighted names > business > materials > body.

Beside it, `search_cjk` (FTS5 with the `trigram` tokenizer, the same row ids) holds the words
in Han, Hangul or Kana, tripled (see `substrings.py`), for the words searched inside them. The
vocabulary for typo suggestions (`vocabulary.py`) is found by `search_word_grams`, a
contentless FTS5 trigram table of the words of `search_words` padded with a space on each
side, kept by triggers on `search_words`; the counts of a rebuild come from
`search_products_vocabulary` (fts5vocab: every word of the index with its number of rows).

The tables and triggers are created by the "search index" and "forgiving search" migrations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from marketplace.products.models import Product
from marketplace.search.documents import Document
from marketplace.search.substrings import NAME_WEIGHT, split_terms, tripled
from marketplace.search.text import Term, suggestible
from marketplace.search.vocabulary import Lookup

INDEX = sa.table(
    "search_products",
    sa.column("rowid", sa.Integer),
    sa.column("names", sa.Text),
    sa.column("business", sa.Text),
    sa.column("materials", sa.Text),
    sa.column("body", sa.Text),
)
# FTS5's hidden column named after the table: the left side of MATCH and bm25's argument.
_TABLE: sa.ColumnClause[str] = sa.literal_column("search_products")
CJK = sa.table(
    "search_cjk",
    sa.column("rowid", sa.Integer),
    sa.column("names", sa.Text),
    sa.column("rest", sa.Text),
)
_CJK_TABLE: sa.ColumnClause[str] = sa.literal_column("search_cjk")
VOCABULARY = sa.table("search_products_vocabulary", sa.column("term"), sa.column("doc"))
# search_words with its integer key, the row id of its words in search_word_grams
NUMBERED_WORDS = sa.table(
    "search_words",
    sa.column("id", sa.Integer),
    sa.column("word", sa.Text),
    sa.column("documents", sa.Integer),
)
GRAMS = sa.table("search_word_grams", sa.column("rowid", sa.Integer))
_GRAMS_TABLE: sa.ColumnClause[str] = sa.literal_column("search_word_grams")
WEIGHTS = (10.0, 5.0, 2.0, 1.0)  # names, business, materials, body
# bm25 as a whole number, so a page cursor compares it exactly; bm25 is tiny in a small index.
SCORE_SCALE = 1_000_000_000


def match_expression(terms: Sequence[Term]) -> str:
    """Every term as a quoted string, so FTS5 syntax in user text is never interpreted;
    prefix terms with a star. Terms are implicitly ANDed."""
    return " ".join(f'"{term.word}"*' if term.prefix else f'"{term.word}"' for term in terms)


def restrict(query: sa.Select[int], terms: Sequence[Term]) -> sa.Select[int]:
    """`query` (over products) limited to the products whose index row matches `terms`."""
    return query.join(INDEX, Product.id == -INDEX.c.rowid).where(
        _TABLE.op("MATCH")(match_expression(terms))
    )


def substring_expression(terms: Sequence[Term]) -> str:
    """Every substring term tripled and quoted: a phrase of its trigrams, all of them ANDed."""
    return " ".join(f'"{tripled(term.word)}"' for term in terms)


def _substring_score(terms: Sequence[Term]) -> sa.ColumnElement[int]:
    score: sa.ColumnElement[int] = sa.literal(0)
    for term in terms:
        in_name = sa.func.instr(CJK.c.names, tripled(term.word)) > 0
        score = score + sa.case((in_name, NAME_WEIGHT), else_=1)
    return score


def _ranked_substrings(
    query: sa.Select[int] | None, words: Sequence[Term], substrings: Sequence[Term], cap: int
) -> sa.Subquery:
    """Like `ranked`, from the trigram index, newest first; words are matched in the word
    index of the same row."""
    score = sa.cast(_substring_score(substrings), sa.BigInteger).label("score")
    found = _CJK_TABLE.op("MATCH")(substring_expression(substrings))
    if query is None:
        matches = sa.select((-CJK.c.rowid).label("product_id"), score).where(found)
    else:
        matches = (
            query.join(CJK, Product.id == -CJK.c.rowid)
            .where(found)
            .with_only_columns(Product.id.label("product_id"), score)
        )
    if words:
        # The rows the words match, read once and looked up as the trigram index is walked.
        # "+ 0": as a bare rowid, SQLite would hand the list to FTS5 as a constraint and run
        # the trigram query again for every row the words match.
        worded = sa.select(INDEX.c.rowid).where(_TABLE.op("MATCH")(match_expression(words)))
        matches = matches.where((CJK.c.rowid + 0).in_(worded))
    return matches.order_by(CJK.c.rowid).limit(cap).subquery("candidates")


def ranked(query: sa.Select[int] | None, terms: Sequence[Term], cap: int) -> sa.Subquery:
    """(product_id, score) of at most `cap` matches, the newest listings first, each scored;
    from the products of `query` (over products), or from the whole index when it is None.

    FTS5 walks the matches in ascending row id (newest product first) and stops after `cap`,
    so bm25 is computed for `cap` rows at most, however common the words are. A search with
    substring terms walks the trigram index instead (see `substrings.py` for its score).
    """
    words, substrings = split_terms(terms)
    if substrings:
        return _ranked_substrings(query, words, substrings, cap)
    bm25 = sa.func.bm25(_TABLE, *WEIGHTS)
    score = sa.cast(-bm25 * SCORE_SCALE, sa.BigInteger).label("score")
    if query is None:
        matches = sa.select((-INDEX.c.rowid).label("product_id"), score).where(
            _TABLE.op("MATCH")(match_expression(terms))
        )
    else:
        matches = restrict(query, terms).with_only_columns(Product.id.label("product_id"), score)
    return matches.order_by(INDEX.c.rowid).limit(cap).subquery("candidates")


def delete(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    if product_ids:
        rowids = [-pid for pid in product_ids]
        connection.execute(sa.delete(INDEX).where(INDEX.c.rowid.in_(rowids)))
        connection.execute(sa.delete(CJK).where(CJK.c.rowid.in_(rowids)))


def insert(connection: sa.Connection, documents: Sequence[Document]) -> None:
    if not documents:
        return
    # ascending row id: FTS5 flushes its pending data whenever a row id goes down
    ordered = sorted(documents, key=lambda d: d.product_id, reverse=True)
    connection.execute(
        sa.insert(INDEX),
        [
            {
                "rowid": -document.product_id,
                "names": " ".join(document.names),
                "business": " ".join(document.business),
                "materials": " ".join(document.materials),
                "body": " ".join(document.body),
            }
            for document in ordered
        ],
    )
    cjk = [(-d.product_id, d.cjk_names, d.cjk_rest) for d in ordered]
    rows = [
        {"rowid": rowid, "names": names, "rest": rest}
        for rowid, names, rest in cjk
        if names or rest
    ]
    if rows:
        connection.execute(sa.insert(CJK), rows)


def in_vocabulary(word: str) -> bool:
    """The vocabulary holds the words typos are corrected against (`text.suggestible`); a
    prefix is searched by FTS5 itself."""
    return suggestible(word)


def indexed_words(connection: sa.Connection, product_ids: Sequence[int]) -> Counter[str]:
    """How many of these products' index rows hold each word of the vocabulary (before a
    rewrite)."""
    counts: Counter[str] = Counter()
    rows = connection.execute(
        sa.select(INDEX.c.names, INDEX.c.business, INDEX.c.materials, INDEX.c.body).where(
            INDEX.c.rowid.in_([-pid for pid in product_ids])
        )
    )
    for row in rows:
        counts.update(
            {word for text in row for word in (text or "").split() if in_vocabulary(word)}
        )
    return counts


def word_counts(connection: sa.Connection) -> Iterator[tuple[str, int]]:
    """Every word of the index with the number of products whose row holds it."""
    for term, documents in connection.execute(sa.select(VOCABULARY.c.term, VOCABULARY.c.doc)):
        yield str(term), int(documents)


def word_candidates(
    connection: sa.Connection, lookups: Sequence[Lookup], exact: Sequence[str]
) -> list[tuple[str, int]]:
    """(word, documents) of the vocabulary's words that are among `exact`, or that contain one
    of a lookup's pieces (" bam" begins the word, "bo " ends it) and are of its lengths."""
    words = NUMBERED_WORDS
    conditions: list[sa.ColumnElement[bool]] = []
    if exact:
        conditions.append(words.c.word.in_(exact))
    for lookup in lookups:
        pieces = " OR ".join(f'"{piece}"' for piece in lookup.pieces)
        ids = sa.select(GRAMS.c.rowid).where(_GRAMS_TABLE.op("MATCH")(pieces))
        conditions.append(
            sa.and_(
                words.c.id.in_(ids),
                sa.func.length(words.c.word).between(lookup.shortest, lookup.longest),
            )
        )
    if not conditions:
        return []
    query = sa.select(words.c.word, words.c.documents).where(sa.or_(*conditions))
    return [(word, documents) for word, documents in connection.execute(query)]


def _command(
    connection: sa.Connection,
    command: str,
    value: int | None = None,
    table: str = "search_products",
) -> None:
    if value is None:
        sql = f"INSERT INTO {table}({table}) VALUES (?)"
        connection.exec_driver_sql(sql, (command,))
    else:
        sql = f"INSERT INTO {table}({table}, rank) VALUES (?, ?)"
        connection.exec_driver_sql(sql, (command, value))


def clear(connection: sa.Connection) -> None:
    """Empty the index before a bulk rebuild; merging is left for `optimize` at the end."""
    connection.execute(sa.delete(INDEX))
    connection.execute(sa.delete(CJK))
    _command(connection, "automerge", 0)


def optimize(connection: sa.Connection) -> None:
    """Merge the index's segments into one (after a bulk rebuild): fewer lookups per query.
    Then merge as usual again as rows come and go."""
    _command(connection, "optimize")
    _command(connection, "automerge", 4)
    _command(connection, "optimize", table="search_cjk")
