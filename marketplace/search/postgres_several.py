"""Several words searched on PostgreSQL: the newest matches of all of them, from the newest rows
when the vocabulary says the words go together (`_window`), else from the GIN index with each
prefix spelt out as the words it begins (`_spelt`, `_spelled_matches`). See bench/RESULTS.md
for what each costs at 1,000,000 products."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS, TSQUERY

from marketplace.search.postgres_terms import INDEX, contains_pattern, like_pattern, tsquery
from marketplace.search.text import Term, suggestible
from marketplace.search.vocabulary import WORDS

# Several words (see `_window`): the newest rows are read only when the estimate of rows to
# read, times ROW_IN_POSTINGS, is below the postings of the prefixes (a safety margin: the
# estimate can be off several times either way; at 1,000,000 products one row read and matched
# costs about one posting, bench/RESULTS.md); then up to WINDOW_MARGIN times the estimate, and
# never more than MAX_WINDOW rows (20 to 35 ms), before asking the GIN index after all.
ROW_IN_POSTINGS = 4
WINDOW_MARGIN = 4
MAX_WINDOW = 40_000
# A prefix that begins more longer words than this is searched as a prefix (`_spelt`).
SPELLED_OUT = 64


def _documents_holding(term: Term) -> sa.ScalarSelect[int]:
    """From the vocabulary: how many products hold the word, or (a prefix) the sum over the
    words it begins, which counts a product once per such word: an estimate from above."""
    found: sa.ColumnElement[int]
    holding: sa.ColumnElement[bool]
    if term.prefix:
        found = sa.func.sum(WORDS.c.documents)
        holding = WORDS.c.word.like(like_pattern(f" {term.word}"))
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
            .where(WORDS.c.word.like(contains_pattern(term.word)[1:-1] + "_%"))
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


def newest_matches(terms: Sequence[Term], cap: int) -> sa.Subquery:
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
        .where(newest.c.document.op("@@")(tsquery(terms)))
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
