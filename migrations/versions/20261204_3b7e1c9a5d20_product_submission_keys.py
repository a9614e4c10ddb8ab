"""product submission keys: a double click on "new product" makes one draft

A column and a unique index, added and removed without batch mode: rebuilding the products
table on SQLite would drop the search index's trigger on it.

Revision ID: 3b7e1c9a5d20
Revises: f03111f5da4a
Create Date: 2026-12-04 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b7e1c9a5d20'
down_revision = 'f03111f5da4a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('products', sa.Column('submission_key', sa.String(length=64), nullable=True))
    op.create_index(
        'ix_products_submission_key', 'products', ['business_id', 'submission_key'], unique=True
    )


def downgrade():
    op.drop_index('ix_products_submission_key', table_name='products')
    op.drop_column('products', 'submission_key')  # ALTER TABLE DROP COLUMN, no rebuild
