"""The search index on PostgreSQL: a table `search_products` of tsvectors with a GIN index.

The tsvector is written as a literal built from the words `text.py` produced, with positions
and a weight per field (A names, B business, C materials, D body), so PostgreSQL's parser and
text-search configurations are never involved: the words are exactly those SQLite indexes, and
folding diacritics needs no `unaccent` extension. Queries are tsquery literals of the same words,
each a prefix (`:*`) where `text.py` says so; ranking is `ts_rank` with its default weights.

Beside it, `search_cjk` holds the words in Han, Hangul or Kana, tripled (see `substrings.py`),
with a GIN index of pg_trgm's trigrams over `names || ' ' || rest`, searched with LIKE. The
words of the vocabulary for typo suggestions (`vocabulary.py`) have a trigram index too, so
that LIKE finds the words that begin with, end with or contain a piece of a misspelt word.
pg_trgm takes characters for letters by the database's LC_CTYPE: in a UTF-8 database with the
C.UTF-8 locale or a language's, Han and Hangul are letters; in the plain "C" locale they are not,
the index has nothing to look up for them, and every row is read (the results stay right).

The index's table and how searched terms are written for it are in `postgres_terms.py`; how
several words are found, in `postgres_several.py`. The tables, their GIN indexes and their
foreign keys to products (ON DELETE CASCADE) are created by the "search index" and "forgiving
search" migrations. A document stays uncompressed in its row (migration "search documents
inline": toast_tuple_target 8160, STORAGE MAIN), so matching the newest rows, a recheck and
`ts_rank` read one row each and no TOAST chunks (bench/RESULTS.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from marketplace.products.models import Product
from marketplace.search.documents import Document
from marketplace.search.postgres_several import newest_matches
from marketplace.search.postgres_terms import (
    INDEX,
    contains_pattern,
    like_pattern,
    tsquery,
)
from marketplace.search.substrings import NAME_WEIGHT, split_terms, tripled
from marketplace.search.text import Term, suggestible
from marketplace.search.vocabulary import WORDS, Lookup

CJK = sa.table(
    "search_cjk",
    sa.column("product_id", sa.Integer),
    sa.column("names", sa.Text),
    sa.column("rest", sa.Text),
)
# Exactly the expression of the trigram index (ix_search_cjk_text), so the planner can use it.
_CJK_TEXT: sa.ColumnElement[str] = sa.literal_column(
    "(search_cjk.names || ' ' || search_cjk.rest)", sa.Text
)
FIELD_WEIGHTS = ("A", "B", "C", "D")  # names, business, materials, body
MAX_POSITION = 16383  # PostgreSQL's largest word position
MAX_POSITIONS_PER_WORD = 32  # enough for ranking; PostgreSQL keeps at most 256
SCORE_SCALE = 1_000_000  # ts_rank as a whole number, so a page cursor compares it exactly


def tsvector_literal(document: Document) -> str:
    """`'word':1A,7A 'other':2B ...`. Words are letters and digits only: nothing to escape."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for weight, field in zip(FIELD_WEIGHTS, document.fields, strict=True):
        for word in field:
            position = min(position + 1, MAX_POSITION)
            if len(positions[word]) < MAX_POSITIONS_PER_WORD:
                positions[word].append(f"{position}{weight}")
    return " ".join(f"'{word}':{','.join(marks)}" for word, marks in positions.items())


def restrict(query: sa.Select[int], terms: Sequence[Term]) -> sa.Select[int]:
    """`query` (over products) limited to the products whose index row matches `terms`."""
    return query.join(INDEX, INDEX.c.product_id == Product.id).where(
        INDEX.c.document.op("@@")(tsquery(terms))
    )


def _substring_score(terms: Sequence[Term]) -> sa.ColumnElement[int]:
    score: sa.ColumnElement[int] = sa.literal(0)
    for term in terms:
        in_name = sa.func.strpos(CJK.c.names, tripled(term.word)) > 0
        score = score + sa.case((in_name, NAME_WEIGHT), else_=1)
    return score


def _ranked_substrings(
    query: sa.Select[int] | None, words: Sequence[Term], substrings: Sequence[Term], cap: int
) -> sa.Subquery:
    """Like `ranked`, from the trigram index, newest first; words are matched in the word
    index of the same product."""
    score = sa.cast(_substring_score(substrings), sa.BigInteger).label("score")
    found = [_CJK_TEXT.like(contains_pattern(tripled(term.word))) for term in substrings]
    if query is None:
        matches = sa.select(CJK.c.product_id, score).where(*found)
        newest_first = CJK.c.product_id.desc()
    else:
        matches = (
            query.join(CJK, CJK.c.product_id == Product.id)
            .where(*found)
            .with_only_columns(Product.id.label("product_id"), score)
        )
        newest_first = Product.id.desc()
    if words:
        matches = matches.join(INDEX, INDEX.c.product_id == CJK.c.product_id).where(
            INDEX.c.document.op("@@")(tsquery(words))
        )
    return matches.order_by(newest_first).limit(cap).subquery("candidates")


def ranked(query: sa.Select[int] | None, terms: Sequence[Term], cap: int) -> sa.Subquery:
    """(product_id, score) of at most `cap` matches, the newest listings first, each scored;
    from the products of `query` (over products), or from the whole index when it is None.

    The matches are capped before they are ranked: ts_rank reads every document it scores,
    and a common word matches most of the catalog. PostgreSQL picks between the GIN index
    (rare words) and walking the primary key backwards until `cap` matches (common words).
    Several words over the whole index may be found among the newest rows instead, when the
    vocabulary says they go together (`postgres_several`). The documents are fetched again for the
    capped ids only, so no sort carries them. A search with substring terms reads the trigram
    index instead (`substrings.py`).
    """
    words, substrings = split_terms(terms)
    if substrings:
        return _ranked_substrings(query, words, substrings, cap)
    if query is None and len(terms) > 1:
        matches = newest_matches(terms, cap)
    else:
        if query is None:
            found = sa.select(INDEX.c.product_id).where(INDEX.c.document.op("@@")(tsquery(terms)))
            newest_first = INDEX.c.product_id.desc()
        else:
            found = restrict(query, terms).with_only_columns(Product.id.label("product_id"))
            newest_first = Product.id.desc()
        matches = found.order_by(newest_first).limit(cap).subquery("matches")
    documents = INDEX.alias("documents")
    rank = sa.func.ts_rank(documents.c.document, tsquery(terms))
    return (
        sa.select(matches.c.product_id, sa.cast(rank * SCORE_SCALE, sa.BigInteger).label("score"))
        .select_from(matches.join(documents, documents.c.product_id == matches.c.product_id))
        .subquery("candidates")
    )


def delete(connection: sa.Connection, product_ids: Sequence[int]) -> None:
    if product_ids:
        connection.execute(sa.delete(INDEX).where(INDEX.c.product_id.in_(product_ids)))
        connection.execute(sa.delete(CJK).where(CJK.c.product_id.in_(product_ids)))


def insert(connection: sa.Connection, documents: Sequence[Document]) -> None:
    if not documents:
        return
    connection.execute(
        sa.text(
            "INSERT INTO search_products (product_id, document) "
            "VALUES (:product_id, CAST(:document AS tsvector))"
        ),
        [
            {"product_id": document.product_id, "document": tsvector_literal(document)}
            for document in documents
        ],
    )
    cjk = [(d.product_id, d.cjk_names, d.cjk_rest) for d in documents]
    rows = [
        {"product_id": pid, "names": names, "rest": rest}
        for pid, names, rest in cjk
        if names or rest
    ]
    if rows:
        connection.execute(sa.insert(CJK), rows)


def in_vocabulary(word: str) -> bool:
    """Every word of the index is in the vocabulary, so that a prefix can be searched as the
    words it begins (`postgres_several._spelt`); suggestions take the suggestible ones."""
    return True


def indexed_words(connection: sa.Connection, product_ids: Sequence[int]) -> Counter[str]:
    """How many of these products' index rows hold each word (before a rewrite)."""
    counts: Counter[str] = Counter()
    lexemes = sa.func.tsvector_to_array(INDEX.c.document)
    for (found,) in connection.execute(
        sa.select(lexemes).where(INDEX.c.product_id.in_(product_ids))
    ):
        counts.update(found)
    return counts


def word_counts(connection: sa.Connection) -> Iterator[tuple[str, int]]:
    """Every word of the index with the number of products whose row holds it."""
    for word, documents in connection.exec_driver_sql(
        "SELECT word, ndoc FROM ts_stat('SELECT document FROM search_products')"
    ):
        yield str(word), int(documents)


def word_candidates(
    connection: sa.Connection, lookups: Sequence[Lookup], exact: Sequence[str]
) -> list[tuple[str, int]]:
    """(word, documents) of the vocabulary's words that are among `exact`, or that contain one
    of a lookup's pieces (" bam" begins the word, "bo " ends it) and are of its lengths."""
    conditions: list[sa.ColumnElement[bool]] = []
    if exact:
        conditions.append(WORDS.c.word.in_(exact))
    for lookup in lookups:
        conditions.append(
            sa.and_(
                sa.or_(*(WORDS.c.word.like(like_pattern(piece)) for piece in lookup.pieces)),
                sa.func.length(WORDS.c.word).between(lookup.shortest, lookup.longest),
            )
        )
    if not conditions:
        return []
    query = sa.select(WORDS.c.word, WORDS.c.documents).where(sa.or_(*conditions))
    return [
        (word, documents)
        for word, documents in connection.execute(query)
        if suggestible(word)  # the vocabulary holds every word here
    ]


def clear(connection: sa.Connection) -> None:
    connection.execute(sa.delete(INDEX))
    connection.execute(sa.delete(CJK))


def optimize(connection: sa.Connection) -> None:
    """Refresh the planner's statistics after a bulk rebuild, so it judges common words right."""
    connection.exec_driver_sql("ANALYZE search_products")
    connection.exec_driver_sql("ANALYZE search_cjk")
    connection.exec_driver_sql("ANALYZE search_words")
