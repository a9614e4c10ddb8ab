"""search index

The product search index, written by hand for each database (autogenerate ignores tables named
search_*, see env.py):

- SQLite: an FTS5 virtual table, the row id being minus the product id (newest first is the
  cheap direction), and a trigger that drops the row when its product is deleted by any
  statement.
- PostgreSQL: a table of tsvectors with a GIN index and a foreign key to products that deletes
  the row with its product.
- Both: search_popularity, the number of interests of each indexed product (spam not counted),
  with an index for the catalog's "most interest" order.

The rows are written by marketplace/search/index.py. Products that exist already are indexed
here, with a copy of the application's folding and weighting as of this revision (a migration
must not depend on application code that keeps changing); `flask search-reindex` rebuilds the
index with the current code at any time.

Revision ID: 649fb72cf396
Revises: 7d64fada143e
Create Date: 2026-11-23 15:55:29.941351
"""

import re
import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '649fb72cf396'
down_revision = '7d64fada143e'
branch_labels = None
depends_on = None

_WORD = re.compile(r"[^\W_]+")
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
    if not text:
        return []
    return [word for word in _WORD.findall(_fold(text)) if len(word) <= 64][:2000]


def _fields(connection):
    """(product id, [names, business, materials, body] words) of every visible product."""
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
        names = _words(name) + [w for pair in pairs for w in _words(pair[0])]
        body = _words(description) + [w for pair in pairs for w in _words(pair[1])]
        yield product_id, [names, _words(business), _words(materials), body + _words(story)]


def _tsvector(fields):
    positions = defaultdict(list)
    position = 0
    for weight, words in zip("ABCD", fields):
        for word in words:
            position = min(position + 1, 16383)
            if len(positions[word]) < 32:
                positions[word].append(f"{position}{weight}")
    return " ".join(f"'{word}':{','.join(marks)}" for word, marks in positions.items())


def _popularity(connection, product_ids):
    op.execute(
        "CREATE TABLE search_popularity ("
        " product_id INTEGER NOT NULL,"
        " interests INTEGER NOT NULL DEFAULT 0,"
        " CONSTRAINT pk_search_popularity PRIMARY KEY (product_id),"
        " CONSTRAINT fk_search_popularity_product_id_products FOREIGN KEY (product_id)"
        "  REFERENCES products (id) ON DELETE CASCADE)"
    )
    op.execute(
        "CREATE INDEX ix_search_popularity_rank ON search_popularity (interests, product_id)"
    )
    if product_ids:
        connection.execute(
            sa.text("INSERT INTO search_popularity (product_id, interests) VALUES (:id, 0)"),
            [{"id": product_id} for product_id in product_ids],
        )
        op.execute(
            "UPDATE search_popularity SET interests = (SELECT count(*) FROM interests"
            " WHERE interests.product_id = search_popularity.product_id"
            " AND interests.status != 'spam')"
        )


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_products ("
            " product_id INTEGER NOT NULL,"
            " document TSVECTOR NOT NULL,"
            " CONSTRAINT pk_search_products PRIMARY KEY (product_id),"
            " CONSTRAINT fk_search_products_product_id_products FOREIGN KEY (product_id)"
            "  REFERENCES products (id) ON DELETE CASCADE)"
        )
        op.execute("CREATE INDEX ix_search_products_document ON search_products USING gin (document)")
        rows = [
            {"product_id": product_id, "document": _tsvector(fields)}
            for product_id, fields in _fields(connection)
        ]
        if rows:
            connection.execute(
                sa.text(
                    "INSERT INTO search_products (product_id, document)"
                    " VALUES (:product_id, CAST(:document AS tsvector))"
                ),
                rows,
            )
        _popularity(connection, [row["product_id"] for row in rows])
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_products USING fts5("
            "names, business, materials, body,"
            " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5')"
        )
        op.execute(
            "CREATE TRIGGER search_products_forget_product AFTER DELETE ON products"
            " BEGIN DELETE FROM search_products WHERE rowid = -old.id; END"
        )
        rows = [
            {"rowid": -product_id, **dict(zip(("names", "business", "materials", "body"),
                                              (" ".join(words) for words in fields)))}
            for product_id, fields in _fields(connection)
        ]
        if rows:
            connection.execute(
                sa.text(
                    "INSERT INTO search_products (rowid, names, business, materials, body)"
                    " VALUES (:rowid, :names, :business, :materials, :body)"
                ),
                rows,
            )
        _popularity(connection, [-row["rowid"] for row in rows])


def downgrade():
    op.execute("DROP TABLE search_popularity")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_products")
    else:
        op.execute("DROP TRIGGER IF EXISTS search_products_forget_product")
        op.execute("DROP TABLE search_products")
