"""pending interests: what a visitor sent from the quick interest form, until they confirm it

Revision ID: 57430601a138
Revises: c4f1a9e2b7d3
Create Date: 2026-12-04 20:39:46.800468
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '57430601a138'
down_revision = 'c4f1a9e2b7d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('buyer_type', sa.Enum('importer', 'distributor', 'retailer', 'showroom', 'individual', name='buyer_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('company', sa.String(length=160), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_pending_interests_quantity_positive')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_pending_interests_channel_id_channels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_pending_interests_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_interests')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_pending_interests_submission_key'))
    )
    op.create_index('ix_pending_interests_created_at', 'pending_interests', ['created_at'], unique=False)
    op.create_index(op.f('ix_pending_interests_product_id'), 'pending_interests', ['product_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pending_interests_product_id'), table_name='pending_interests')
    op.drop_index('ix_pending_interests_created_at', table_name='pending_interests')
    op.drop_table('pending_interests')
