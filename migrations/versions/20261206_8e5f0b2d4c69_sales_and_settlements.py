"""sales and settlements: a channel's consignment terms (commission, months per statement);
sales in the channel's currency with the rupiah rate of their day, and corrections as sales of
their own; the movement "unsold" that puts a corrected sale's pieces back; each MSME's
settlement statement per period, its figures fixed when issued, then paid.

Revision ID: 8e5f0b2d4c69
Revises: 7d4e9a1c3b58
Create Date: 2026-12-06 18:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8e5f0b2d4c69'
down_revision = '7d4e9a1c3b58'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('shipped', 'received', 'shelved', 'sold', 'returned', 'damaged', 'lost')
KINDS = KINDS_BEFORE + ('unsold',)


def _kinds(batch_op, values):
    batch_op.drop_constraint(op.f('ck_stock_movements_kind'), type_='check')
    batch_op.create_check_constraint(
        op.f('ck_stock_movements_kind'), f"kind IN ({', '.join(repr(v) for v in values)})"
    )


def upgrade():
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_percent', sa.Numeric(precision=5, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('settlement_months', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_channels_commission_range'), 'commission_percent >= 0 AND commission_percent <= 100')
        batch_op.create_check_constraint(op.f('ck_channels_settlement_period'), 'settlement_months IN (1, 3, 6, 12)')

    op.create_table(
        'sales',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('idr_per_unit', sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column('rate_on', sa.Date(), nullable=True),
        sa.Column('gross_idr', sa.BigInteger(), nullable=False),
        sa.Column('sold_on', sa.Date(), nullable=False),
        sa.Column('corrects_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('idr_per_unit > 0', name=op.f('ck_sales_rate_positive')),
        sa.CheckConstraint('quantity <> 0', name=op.f('ck_sales_quantity_not_zero')),
        sa.CheckConstraint('unit_price >= 0', name=op.f('ck_sales_price_not_negative')),
        sa.ForeignKeyConstraint(['corrects_id'], ['sales.id'], name=op.f('fk_sales_corrects_id_sales')),
        sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_sales_nomination_id_nominations')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sales_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
        sa.UniqueConstraint('corrects_id', name=op.f('uq_sales_corrects_id')),
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index('ix_sales_nomination_sold', ['nomination_id', 'sold_on'], unique=False)

    op.create_table(
        'settlements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('commission_percent', sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column('units_sold', sa.Integer(), nullable=False),
        sa.Column('gross_local', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column('gross_idr', sa.BigInteger(), nullable=False),
        sa.Column('commission_idr', sa.BigInteger(), nullable=False),
        sa.Column('net_idr', sa.BigInteger(), nullable=False),
        sa.Column('units_returned', sa.Integer(), nullable=False),
        sa.Column('units_on_hand', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('issued', 'paid', name='status', native_enum=False, create_constraint=True, length=6), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('paid_reference', sa.String(length=120), nullable=True),
        sa.Column('paid_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('period_end >= period_start', name=op.f('ck_settlements_period_in_order')),
        sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_settlements_business_id_businesses')),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_settlements_channel_id_channels')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_settlements_issued_by_id_users')),
        sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_settlements_paid_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_settlements')),
        sa.UniqueConstraint('channel_id', 'business_id', 'period_start', name=op.f('uq_settlements_channel_id_business_id_period_start')),
    )
    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlements_business_id'), ['business_id'], unique=False)

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sale_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stock_movements_sale_id'), ['sale_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stock_movements_sale_id_sales'), 'sales', ['sale_id'], ['id'])
        _kinds(batch_op, KINDS)


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM stock_movements WHERE kind = 'unsold'"))
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        _kinds(batch_op, KINDS_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_stock_movements_sale_id_sales'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stock_movements_sale_id'))
        batch_op.drop_column('sale_id')

    with op.batch_alter_table('settlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlements_business_id'))
    op.drop_table('settlements')
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_nomination_sold')
    op.drop_table('sales')

    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_channels_settlement_period'), type_='check')
        batch_op.drop_constraint(op.f('ck_channels_commission_range'), type_='check')
        batch_op.drop_column('settlement_months')
        batch_op.drop_column('commission_percent')
