"""stand leads: a visitor's interest captured at a stand, without an account. The visitor's
contact and consent (stand_visitors, one entry per device key); an interest is a buyer's or a
visitor's, never both.

Revision ID: 9f1c2e7a5b83
Revises: 8e5f0b2d4c69
Create Date: 2026-12-06 19:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9f1c2e7a5b83'
down_revision = '8e5f0b2d4c69'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stand_visitors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('whatsapp', sa.String(length=20), nullable=True),
        sa.Column('country_code', sa.String(length=2), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('consent_text', sa.Text(), nullable=False),
        sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('captured_by_id', sa.Integer(), nullable=True),
        sa.Column('client_key', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('email IS NOT NULL OR whatsapp IS NOT NULL', name=op.f('ck_stand_visitors_reachable')),
        sa.ForeignKeyConstraint(['captured_by_id'], ['users.id'], name=op.f('fk_stand_visitors_captured_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stand_visitors')),
        sa.UniqueConstraint('client_key', name=op.f('uq_stand_visitors_client_key')),
    )
    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_id', sa.Integer(), nullable=True))
        batch_op.alter_column('buyer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_interests_visitor_id'), ['visitor_id'])
        batch_op.create_foreign_key(batch_op.f('fk_interests_visitor_id_stand_visitors'), 'stand_visitors', ['visitor_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_interests_buyer_or_visitor'), '(buyer_id IS NULL) <> (visitor_id IS NULL)')


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM messages WHERE interest_id IN (SELECT id FROM interests WHERE visitor_id IS NOT NULL)"))
    op.get_bind().execute(sa.text("DELETE FROM interests WHERE visitor_id IS NOT NULL"))
    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_interests_buyer_or_visitor'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_interests_visitor_id_stand_visitors'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_interests_visitor_id'), type_='unique')
        batch_op.alter_column('buyer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('visitor_id')
    op.drop_table('stand_visitors')
