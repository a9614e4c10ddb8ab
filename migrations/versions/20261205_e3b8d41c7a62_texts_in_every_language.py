"""texts in every language: a product's materials and story per language, and the business
profile's free text per language

Revision ID: e3b8d41c7a62
Revises: e3a9c1d4b726
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3b8d41c7a62'
down_revision = 'e3a9c1d4b726'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: nullable columns need no table rebuild on SQLite.
    op.add_column('product_translations', sa.Column('materials', sa.String(length=255), nullable=True))
    op.add_column('product_translations', sa.Column('story', sa.Text(), nullable=True))
    op.create_table('business_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('monthly_capacity', sa.String(length=120), nullable=True),
    sa.Column('export_markets', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_translations_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_translations')),
    sa.UniqueConstraint('business_id', 'locale', name=op.f('uq_business_translations_business_id_locale'))
    )


def downgrade():
    op.drop_table('business_translations')
    op.drop_column('product_translations', 'story')
    op.drop_column('product_translations', 'materials')
