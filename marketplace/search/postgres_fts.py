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

The tables, their GIN indexes and their foreign keys to products (ON DELETE CASCADE) are
created by the "search index" and "forgiving search" migrations.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS, TSQUERY, TSVECTOR

from marketplace.products.models import Product
from marketplace.search.documents import Document
from marketplace.search.substrings import NAME_WEIGHT, split_terms, tripled
from marketplace.search.text import Term, suggestible
from marketplace.search.vocabulary import WORDS, Lookup

INDEX = sa.table(
    "search_products",
    sa.column("product_id", sa.Integer),
    sa.column("document", TSVECTOR),
)
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
# Several words (see `_window`): the newest rows are read only when the estimate of rows to
# read, times ROW_IN_POSTINGS, is below the postings of the prefixes (a safety margin: the
# estimate can be off several times either way; at 1,000,000 products one row read and matched
# costs about one posting, bench/RESULTS.md); then up to WINDOW_MARGIN times the estimate, and
# never more than MAX_WINDOW rows (about 40 ms), before asking the GIN index after all.
ROW_IN_POSTINGS = 4
WINDOW_MARGIN = 4
MAX_WINDOW = 40_000
# A prefix that begins more longer words than this is searched as a prefix (`_spelt`).
SPELLED_OUT = 64


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


def tsquery_literal(terms: Sequence[Term]) -> str:
    return " & ".join(f"'{term.word}':*" if term.prefix else f"'{term.word}'" for term in terms)


def _query(terms: Sequence[Term]) -> sa.ColumnElement[object]:
    return sa.cast(sa.literal(tsquery_literal(terms), sa.Text), TSQUERY)


def restrict(query: sa.Select[int], terms: Sequence[Term]) -> sa.Select[int]:
    """`query` (over products) limited to the products whose index row matches `terms`."""
    return query.join(INDEX, INDEX.c.product_id == Product.id).where(
        INDEX.c.document.op("@@")(_query(terms))
    )


def _contains(text: str) -> str:
    """A LIKE pattern for `text` anywhere (the words hold letters and digits only; the escape
    is for safety)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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
    found = [_CJK_TEXT.like(_contains(tripled(term.word))) for term in substrings]
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
            INDEX.c.document.op("@@")(_query(words))
        )
    return matches.order_by(newest_first).limit(cap).subquery("candidates")


def _documents_holding(term: Term) -> sa.ScalarSelect[int]:
    """From the vocabulary: how many products hold the word, or (a prefix) the sum over the
    words it begins, which counts a product once per such word: an estimate from above."""
    found: sa.ColumnElement[int]
    holding: sa.ColumnElement[bool]
    if term.prefix:
        found = sa.func.sum(WORDS.c.documents)
        holding = WORDS.c.word.like(_like(f" {term.word}"))
    else:
        found = sa.func.max(WORDS.c.documents)
        holding = WORDS.c.word == term.word
    return sa.select(sa.func.coalesce(found, 0)).where(holding).scalar_subquery()


def _window(terms: Sequence[Term], cap: int) -> sa.ScalarSelect[int]:
    """How many of the newest index rows to read for `cap` matches of every one of `terms`
    before asking the GIN index, or 0 when the GIN index is the cheaper way.

    The GIN index reads every document of every prefix searched before it can intersect them:
    its cost grows with the catalog. Several words that often go together (a German product's
    "korb aus bambus") match a steady share of it, so the newest `cap` matches are found by
    reading a steady number of the newest rows, whatever the catalog's size. PostgreSQL's
    planner takes the words for independent, expects few matches and asks the GIN index; here
    the vocabulary's counts estimate the share of rows that match as the geometric mean of that
    estimate and the share of the rarest word (as if the words always went together). Rows are
    read only when that is clearly cheaper than the postings of the prefixes, and a bounded
    number of them: if the words are rarer together than estimated, the GIN index answers
    after all. Words the vocabulary does not hold (too short, digits) are left out."""
    known = [term for term in terms if suggestible(term.word)]
    if not known:
        return sa.select(sa.literal(0)).scalar_subquery()
    counts = (
        sa.select(
            _indexed_rows().label("rows"),
            *(_documents_holding(term).label(f"word_{n}") for n, term in enumerate(known)),
        )
        .cte("vocabulary_counts")
        .prefix_with("MATERIALIZED")
    )
    rows = counts.c.rows
    shares = [sa.cast(counts.c[f"word_{n}"], sa.Float) / rows for n in range(len(known))]
    independent = shares[0]
    for share in shares[1:]:
        independent = independent * share
    together = sa.func.least(*shares) if len(shares) > 1 else shares[0]
    walk = cap / sa.func.nullif(sa.func.sqrt(independent * together), 0)
    postings: sa.ColumnElement[int] = sa.literal(0)
    for n, term in enumerate(known):
        if term.prefix:
            postings = postings + counts.c[f"word_{n}"]
    cheaper = sa.and_(rows > 0, walk * ROW_IN_POSTINGS < postings)
    size = sa.case((cheaper, sa.func.least(WINDOW_MARGIN * walk, MAX_WINDOW)), else_=0)
    return sa.select(sa.cast(sa.func.ceil(size), sa.Integer)).scalar_subquery()


def _indexed_rows() -> sa.ScalarSelect[float]:
    """The planner's count of index rows (pg_class.reltuples, kept by ANALYZE and VACUUM)."""
    return (
        sa.select(sa.column("reltuples", sa.Float))
        .select_from(sa.table("pg_class"))
        .where(sa.column("oid") == sa.cast(sa.literal("search_products"), REGCLASS))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class _Spelt:
    """A word searched, as pieces of a tsquery's text: the word itself (`head`), the longer
    words it begins (`tail`, NULL when there are none), either of them (`any`)."""

    head: sa.ColumnElement[str]
    tail: sa.ColumnElement[str] | None
    any: sa.ColumnElement[str]


def _spelt(terms: Sequence[Term]) -> list[_Spelt]:
    """Each of `terms` spelt out from the vocabulary, which holds every word here: a whole word
    is itself (`'bag'`), a prefix the word typed (`'rattan'`) and the longer words it begins
    (`'rattankorb' | 'rattanlampe' ...`). A prefix that begins more than SPELLED_OUT longer
    words stays a prefix (`'rattan':*`), with no tail. The words are read once per statement
    (a materialized CTE)."""
    rows: list[sa.Subquery] = []
    for n, term in enumerate(terms):
        if not term.prefix:
            continue
        longer = (
            sa.select(WORDS.c.word)
            .where(WORDS.c.word.like(_contains(term.word)[1:-1] + "_%"))
            .limit(SPELLED_OUT + 1)
            .subquery(f"longer_{n}")
        )
        quoted = sa.literal("'", sa.Text) + longer.c.word + sa.literal("'", sa.Text)
        listed = sa.func.string_agg(quoted, " | ")
        many, none = sa.func.count() > SPELLED_OUT, sa.func.count() == 0
        whole, prefix = f"'{term.word}'", f"'{term.word}':*"
        pieces = sa.select(
            sa.case((many, prefix), else_=whole).label(f"head_{n}"),
            sa.case((many, None), else_="(" + listed + ")").label(f"tail_{n}"),
            sa.case((many, prefix), (none, whole), else_=f"({whole} | " + listed + ")").label(
                f"any_{n}"
            ),
        ).select_from(longer)
        rows.append(pieces.subquery(f"spelt_{n}"))
    words = None
    if rows:
        joined: sa.FromClause = rows[0]
        for row in rows[1:]:
            joined = joined.join(row, sa.true())  # one row each
        words = sa.select(joined).cte("spelt").prefix_with("MATERIALIZED")
    spelt = []
    for n, term in enumerate(terms):
        if words is not None and term.prefix:
            c = words.c
            spelt.append(_Spelt(c[f"head_{n}"], c[f"tail_{n}"], c[f"any_{n}"]))
        else:
            itself = sa.literal(f"'{term.word}'", sa.Text)
            spelt.append(_Spelt(itself, None, itself))
    return spelt


def _spelled_matches(terms: Sequence[Term], cap: int) -> sa.Subquery:
    """The newest `cap` matches of several words from the GIN index, each prefix spelt out as
    the words it begins (`_spelt`): the same rows as the prefixes match.

    The GIN index reads every posting of a prefix before it intersects it with the other
    words, but it steps through the postings of whole words, skipping what the rarest one
    rules out; and it looks at every word of a query at each step, so a query of many words
    is slow again. So the words are asked in parts of few words each: a row holds every word
    as typed (`'woven' & 'rattan' & 'bag'`), or the first n as typed, a longer word for the
    next, and either for the rest (`'woven' & ('rattankorb' | ...) & ('bag' | 'bagus' ...)`);
    a part with no longer word to ask (NULL) finds nothing."""
    spelt = _spelt(terms)
    parts = [[word.head for word in spelt]]
    for n, word in enumerate(spelt):
        if word.tail is not None:
            parts.append(
                [*(w.head for w in spelt[:n]), word.tail, *(w.any for w in spelt[n + 1 :])]
            )

    def query(pieces: list[sa.ColumnElement[str]]) -> sa.ColumnElement[object]:
        text = pieces[0]
        for piece in pieces[1:]:
            text = text + " & " + piece
        return sa.cast(sa.select(text).scalar_subquery(), TSQUERY)

    found = sa.union(
        *(
            sa.select(INDEX.c.product_id)
            .where(INDEX.c.document.op("@@")(query(pieces)))
            .order_by(INDEX.c.product_id.desc())
            .limit(cap)
            for pieces in parts
        )
    ).subquery("found")
    return (
        sa.select(found.c.product_id)
        .order_by(found.c.product_id.desc())
        .limit(cap)
        .subquery("indexed")
    )


def _newest_matches(terms: Sequence[Term], cap: int) -> sa.Subquery:
    """The newest `cap` matches of several words: from the newest rows when `_window` says
    so and they hold `cap` matches, else from the GIN index. One statement: each branch is
    gated by a one-time condition, and only one of them reads the index."""
    window = INDEX.alias("window")
    newest = (
        sa.select(window.c.product_id, window.c.document)
        .order_by(window.c.product_id.desc())
        .limit(_window(terms, cap))
        .subquery("newest")
    )
    recent = (
        sa.select(newest.c.product_id)
        .where(newest.c.document.op("@@")(_query(terms)))
        .order_by(newest.c.product_id.desc())
        .limit(cap)
        .cte("recent")
        .prefix_with("MATERIALIZED")
    )
    found = sa.select(sa.func.count()).select_from(recent).scalar_subquery()
    indexed = _spelled_matches(terms, cap)
    return sa.union_all(
        sa.select(recent.c.product_id).where(found >= cap),
        sa.select(indexed.c.product_id).where(found < cap),
    ).subquery("matches")


def ranked(query: sa.Select[int] | None, terms: Sequence[Term], cap: int) -> sa.Subquery:
    """(product_id, score) of at most `cap` matches, the newest listings first, each scored;
    from the products of `query` (over products), or from the whole index when it is None.

    The matches are capped before they are ranked: ts_rank reads every document it scores,
    and a common word matches most of the catalog. PostgreSQL picks between the GIN index
    (rare words) and walking the primary key backwards until `cap` matches (common words).
    Several words over the whole index may be found among the newest rows instead, when the
    vocabulary says they go together (`_window`). The documents are fetched again for the
    capped ids only, so no sort carries them. A search with substring terms reads the trigram
    index instead (`substrings.py`).
    """
    words, substrings = split_terms(terms)
    if substrings:
        return _ranked_substrings(query, words, substrings, cap)
    if query is None and len(terms) > 1:
        matches = _newest_matches(terms, cap)
    else:
        if query is None:
            found = sa.select(INDEX.c.product_id).where(INDEX.c.document.op("@@")(_query(terms)))
            newest_first = INDEX.c.product_id.desc()
        else:
            found = restrict(query, terms).with_only_columns(Product.id.label("product_id"))
            newest_first = Product.id.desc()
        matches = found.order_by(newest_first).limit(cap).subquery("matches")
    documents = INDEX.alias("documents")
    rank = sa.func.ts_rank(documents.c.document, _query(terms))
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
    words it begins (`_spelled_out`); suggestions take the suggestible ones."""
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


def _like(piece: str) -> str:
    """The LIKE pattern of a lookup's piece: a space before it anchors it at the start of the
    word, a space after it at the end."""
    core = _contains(piece.strip())[1:-1]
    return ("" if piece.startswith(" ") else "%") + core + ("" if piece.endswith(" ") else "%")


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
                sa.or_(*(WORDS.c.word.like(_like(piece)) for piece in lookup.pieces)),
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
