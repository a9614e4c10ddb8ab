"""certified products index: the products of a certificate
(ix_product_certifications_certificate), where the catalog's count for a certification starts
instead of reading every product's certificates; it also serves the foreign key's ON DELETE
CASCADE from business_certifications.

On SQLite, a database that keeps planner statistics (sqlite_stat1, written by ANALYZE) gets
them for the new index too; one that has none is left without, as it was.

Revision ID: 5c2e8f7a9d41
Revises: f1a2b3c4d5e6
Create Date: 2026-12-06 00:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c2e8f7a9d41'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_product_certifications_certificate',
        'product_certifications',
        ['business_certification_id', 'product_id'],
        unique=False,
    )
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        kept = bind.scalar(
            sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        )
        if kept:
            op.execute('ANALYZE ix_product_certifications_certificate')


def downgrade():
    op.drop_index('ix_product_certifications_certificate', table_name='product_certifications')
