"""channel coordinators and the stock ledger: a role for staff at a showroom or a stand and
the channels each is assigned to; shipments and stock movements per accepted product, with the
totals kept on the nomination (received, returned, damaged or lost) and a CHECK that they add
up; the stage "written_off". The totals an officer kept before (shipped, sold, the stage) are
turned into the movements they imply, dated the day the nomination last changed.

Revision ID: 7d4e9a1c3b58
Revises: c2695ab7f046
Create Date: 2026-12-06 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d4e9a1c3b58'
down_revision = 'c2695ab7f046'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('msme', 'buyer', 'officer', 'admin')
ROLES = ROLES_BEFORE + ('coordinator',)
STAGES_BEFORE = ('accepted', 'shipped', 'on_shelf', 'sold_out', 'returned')
STAGES = STAGES_BEFORE + ('written_off',)
KINDS = ('shipped', 'received', 'shelved', 'sold', 'returned', 'damaged', 'lost')
STOCK_ADDS_UP = (
    "quantity_received >= 0 AND quantity_returned >= 0 AND quantity_written_off >= 0"
    " AND quantity_received <= COALESCE(quantity_shipped, 0)"
    " AND COALESCE(quantity_sold, 0) + quantity_returned + quantity_written_off"
    " <= quantity_received"
)
NOTE = "Recorded before the stock ledger"


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _enum(batch_op, column, values, length):
    batch_op.drop_constraint(op.f(f'ck_{batch_op.impl.table_name}_{column}'), type_='check')
    batch_op.alter_column(column, type_=sa.String(length=length), existing_nullable=True)
    batch_op.create_check_constraint(op.f(f'ck_{batch_op.impl.table_name}_{column}'), _one_of(column, values))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        _enum(batch_op, 'role', ROLES, 11)

    op.create_table(
        'channel_coordinators',
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_coordinators_channel_id_channels'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_channel_coordinators_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('channel_id', 'user_id', name=op.f('pk_channel_coordinators')),
    )
    with op.batch_alter_table('channel_coordinators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_coordinators_user_id'), ['user_id'], unique=False)

    op.create_table(
        'shipments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel_id', sa.Integer(), nullable=False),
        sa.Column('business_id', sa.Integer(), nullable=False),
        sa.Column('shipped_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_shipments_business_id_businesses')),
        sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_shipments_channel_id_channels')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_shipments_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_channel_id'), ['channel_id'], unique=False)

    op.create_table(
        'stock_movements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nomination_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='kind', native_enum=False, create_constraint=True, length=8), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('moved_on', sa.Date(), nullable=False),
        sa.Column('shelf_code', sa.String(length=20), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_movements_quantity_positive')),
        sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_stock_movements_nomination_id_nominations')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_stock_movements_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_stock_movements_shipment_id_shipments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements')),
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_nomination_moved', ['nomination_id', 'moved_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movements_shipment_id'), ['shipment_id'], unique=False)

    with op.batch_alter_table('nominations', schema=None) as batch_op:
        _enum(batch_op, 'stage', STAGES, 11)
        batch_op.add_column(sa.Column('quantity_received', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('quantity_returned', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('quantity_written_off', sa.Integer(), server_default='0', nullable=False))

    _ledger_from_totals()

    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_nominations_stock_adds_up'), STOCK_ADDS_UP)


def _ledger_from_totals():
    """The movements that the totals kept so far imply, and the totals they give."""
    bind = op.get_bind()
    nominations = sa.table(
        'nominations',
        sa.column('id', sa.Integer), sa.column('stage', sa.String),
        sa.column('quantity_shipped', sa.Integer), sa.column('quantity_sold', sa.Integer),
        sa.column('quantity_received', sa.Integer), sa.column('quantity_returned', sa.Integer),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    movements = sa.table(
        'stock_movements',
        sa.column('nomination_id', sa.Integer), sa.column('kind', sa.String),
        sa.column('quantity', sa.Integer), sa.column('moved_on', sa.Date),
        sa.column('note', sa.Text), sa.column('created_at', sa.DateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(
            nominations.c.id, nominations.c.stage, nominations.c.quantity_shipped,
            nominations.c.quantity_sold, nominations.c.updated_at,
        ).where(nominations.c.quantity_shipped > 0)
    ).all()
    for nomination_id, stage, shipped, sold, updated_at in rows:
        sold = sold or 0
        arrived = stage in ('on_shelf', 'sold_out', 'returned')
        returned = shipped - sold if stage == 'returned' else 0
        implied = [('shipped', shipped)]
        if arrived:
            implied += [('received', shipped), ('sold', sold), ('returned', returned)]
        for kind, quantity in implied:
            if quantity > 0:
                bind.execute(movements.insert().values(
                    nomination_id=nomination_id, kind=kind, quantity=quantity,
                    moved_on=updated_at.date(), note=NOTE, created_at=updated_at,
                ))
        bind.execute(
            nominations.update().where(nominations.c.id == nomination_id).values(
                quantity_received=shipped if arrived else 0,
                quantity_returned=returned,
                quantity_sold=sold if arrived else 0,
            )
        )


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE nominations SET stage = 'returned' WHERE stage = 'written_off'"))
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_nominations_stock_adds_up'), type_='check')
        batch_op.drop_column('quantity_written_off')
        batch_op.drop_column('quantity_returned')
        batch_op.drop_column('quantity_received')
        _enum(batch_op, 'stage', STAGES_BEFORE, 8)

    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movements_shipment_id'))
        batch_op.drop_index('ix_stock_movements_nomination_moved')
    op.drop_table('stock_movements')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_channel_id'))
        batch_op.drop_index(batch_op.f('ix_shipments_business_id'))
    op.drop_table('shipments')
    with op.batch_alter_table('channel_coordinators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_coordinators_user_id'))
    op.drop_table('channel_coordinators')

    bind.execute(sa.text("DELETE FROM users WHERE role = 'coordinator'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        _enum(batch_op, 'role', ROLES_BEFORE, 7)
