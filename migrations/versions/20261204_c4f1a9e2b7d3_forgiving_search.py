"""forgiving search: a trigram index of Chinese and Korean words, and the vocabulary of typo
suggestions

Written by hand for each database (autogenerate ignores tables named search_*, see env.py):

- search_cjk: the words of each visible product that hold Han, Hangul or Kana, every
  character tripled (see marketplace/search/substrings.py), in two fields (names, rest).
  SQLite: an FTS5 table with the trigram tokenizer, row id minus the product id, and a
  trigger that drops the row with its product. PostgreSQL: a table with a pg_trgm GIN index
  on names || ' ' || rest and a foreign key that deletes the row with its product; the
  migration creates the pg_trgm extension (trusted: the database's owner may create it).
- search_words: every suggestible word of the index with the number of products holding
  it. SQLite: with a contentless FTS5 trigram table of the words padded with spaces
  (search_word_grams), kept by triggers, and search_products_vocabulary (fts5vocab over
  the word index, which `flask search-reindex` counts from). PostgreSQL: a pg_trgm GIN
  index on the word.

The rows for existing products are written here from their texts, with a copy of the
application's folding as of this revision (a migration must not depend on application code
that keeps changing); `flask search-reindex` rebuilds everything with the current code.

Revision ID: c4f1a9e2b7d3
Revises: b5449fa87e92
Create Date: 2026-12-04 21:00:00.000000
"""

import re
import unicodedata
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2b7d3'
down_revision = 'b5449fa87e92'
branch_labels = None
depends_on = None

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\U00020000-\U0003134f]"
)
_FOLDING = {}


def _fold(text):
    if text.isascii():
        return text.lower()
    if not _FOLDING:
        for code in range(0x10000):
            char = chr(code)
            if 0xAC00 <= code <= 0xD7A3:
                continue
            if unicodedata.combining(char):
                _FOLDING[code] = None
                continue
            plain = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            if plain != char:
                _FOLDING[code] = plain
    return text.casefold().translate(_FOLDING)


def _words(text):
    found = []
    for word in _WORD.findall(_fold(text or "")):
        if len(word) <= 64:
            found.append(word)
        elif _CJK.search(word):
            found.extend(word[n:n + 64] for n in range(0, len(word), 64))
    return found


def _field(texts):
    collected = []
    for text in texts:
        collected.extend(_words(text))
    return collected[:2000]


def _cjk(words):
    return " ".join(
        "".join(c * 3 for c in word) for word in dict.fromkeys(words) if _CJK.search(word)
    )


def _suggestible(word):
    return 3 <= len(word) <= 30 and word.isalpha() and not _CJK.search(word)


def _documents(connection):
    """(product id, CJK text of names, CJK text of the rest, suggestible words) of every
    visible product."""
    translations = defaultdict(list)
    for product_id, name, description in connection.execute(
        sa.text("SELECT product_id, name, description FROM product_translations ORDER BY locale")
    ):
        translations[product_id].append((name, description))
    rows = connection.execute(
        sa.text(
            "SELECT p.id, p.name, p.description, p.materials, p.story, b.name"
            " FROM products p JOIN businesses b ON b.id = p.business_id"
            " WHERE p.status = 'published' AND b.status = 'verified' ORDER BY p.id DESC"
        )
    )
    for product_id, name, description, materials, story, business in rows:
        pairs = translations[product_id]
        names = _field([name, *(pair[0] for pair in pairs)])
        rest = (
            _field([business])
            + _field([materials])
            + _field([description, *(pair[1] for pair in pairs), story])
        )
        vocabulary = {word for word in names + rest if _suggestible(word)}
        yield product_id, _cjk(names), _cjk(rest), vocabulary


def _fill(connection, key):
    cjk, counts = [], Counter()
    for product_id, names, rest, vocabulary in _documents(connection):
        if names or rest:
            cjk.append({key: -product_id if key == "rowid" else product_id, "names": names, "rest": rest})
        counts.update(vocabulary)
    if cjk:
        connection.execute(
            sa.text(f"INSERT INTO search_cjk ({key}, names, rest) VALUES (:{key}, :names, :rest)"),
            cjk,
        )
    if counts:
        connection.execute(
            sa.text("INSERT INTO search_words (word, documents) VALUES (:word, :documents)"),
            [{"word": word, "documents": n} for word, n in sorted(counts.items())],
        )


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE TABLE search_cjk ("
            " product_id INTEGER NOT NULL,"
            " names TEXT NOT NULL,"
            " rest TEXT NOT NULL,"
            " CONSTRAINT pk_search_cjk PRIMARY KEY (product_id),"
            " CONSTRAINT fk_search_cjk_product_id_products FOREIGN KEY (product_id)"
            "  REFERENCES products (id) ON DELETE CASCADE)"
        )
        op.execute(
            "CREATE INDEX ix_search_cjk_text ON search_cjk"
            " USING gin ((names || ' ' || rest) gin_trgm_ops)"
        )
        op.execute(
            "CREATE TABLE search_words ("
            " word TEXT NOT NULL,"
            " documents INTEGER NOT NULL,"
            " CONSTRAINT pk_search_words PRIMARY KEY (word))"
        )
        op.execute("CREATE INDEX ix_search_words_grams ON search_words USING gin (word gin_trgm_ops)")
        _fill(connection, "product_id")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_cjk USING fts5("
            "names, rest, tokenize = 'trigram case_sensitive 1')"
        )
        op.execute(
            "CREATE TRIGGER search_cjk_forget_product AFTER DELETE ON products"
            " BEGIN DELETE FROM search_cjk WHERE rowid = -old.id; END"
        )
        op.execute(
            "CREATE TABLE search_words ("
            " id INTEGER NOT NULL,"
            " word TEXT NOT NULL,"
            " documents INTEGER NOT NULL,"
            " CONSTRAINT pk_search_words PRIMARY KEY (id),"
            " CONSTRAINT uq_search_words_word UNIQUE (word))"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_word_grams USING fts5("
            "word, tokenize = 'trigram case_sensitive 1', content = '')"
        )
        op.execute(
            "CREATE TRIGGER search_words_add_grams AFTER INSERT ON search_words BEGIN"
            " INSERT INTO search_word_grams (rowid, word) VALUES (new.id, ' ' || new.word || ' ');"
            " END"
        )
        op.execute(
            "CREATE TRIGGER search_words_drop_grams AFTER DELETE ON search_words BEGIN"
            " INSERT INTO search_word_grams (search_word_grams, rowid, word)"
            " VALUES ('delete', old.id, ' ' || old.word || ' ');"
            " END"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_products_vocabulary"
            " USING fts5vocab(search_products, 'row')"
        )
        _fill(connection, "rowid")


def downgrade():
    # pg_trgm stays: other objects of the database may have come to use it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_words")
        op.execute("DROP TABLE search_cjk")
    else:
        op.execute("DROP TABLE search_products_vocabulary")
        op.execute("DROP TRIGGER IF EXISTS search_words_drop_grams")
        op.execute("DROP TRIGGER IF EXISTS search_words_add_grams")
        op.execute("DROP TABLE search_word_grams")
        op.execute("DROP TABLE search_words")
        op.execute("DROP TRIGGER IF EXISTS search_cjk_forget_product")
        op.execute("DROP TABLE search_cjk")
