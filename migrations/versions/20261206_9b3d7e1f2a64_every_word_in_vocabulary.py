"""every word in the vocabulary on PostgreSQL: search_words gets the index's words that typos
are not corrected against (with digits, short, long, Han, Hangul or Kana), so that a prefix
searched can be spelt out as the words it begins; and an index of the words in byte order
(ix_search_words_prefix, text_pattern_ops), where a LIKE 'prefix%' finds them. SQLite keeps
only the suggestible words and its own lookups.

Revision ID: 9b3d7e1f2a64
Revises: 5c2e8f7a9d41
Create Date: 2026-12-06 11:30:00.000000
"""

import re

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9b3d7e1f2a64'
down_revision = '5c2e8f7a9d41'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(
        "INSERT INTO search_words (word, documents) "
        "SELECT word, ndoc FROM ts_stat('SELECT document FROM search_products') "
        "ORDER BY word ON CONFLICT (word) DO NOTHING"
    )
    op.execute("CREATE INDEX ix_search_words_prefix ON search_words (word text_pattern_ops)")
    op.execute("ANALYZE search_words")


# The words typos are corrected against, as this revision's code tells them (text.suggestible).
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\U00020000-\U0003134f]"
)


def _suggestible(word):
    return 3 <= len(word) <= 30 and word.isalpha() and _CJK.search(word) is None


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    op.execute("DROP INDEX ix_search_words_prefix")
    words = bind.scalars(sa.text("SELECT word FROM search_words")).all()
    others = [word for word in words if not _suggestible(word)]
    for start in range(0, len(others), 1000):
        bind.execute(
            sa.text("DELETE FROM search_words WHERE word = ANY(:words)"),
            {"words": others[start : start + 1000]},
        )
