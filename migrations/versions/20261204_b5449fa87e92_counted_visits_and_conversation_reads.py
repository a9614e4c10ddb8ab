"""counted visits (once per visitor, thing and day) and conversation reads (the marker a GET
may move)

Revision ID: b5449fa87e92
Revises: a7c4e2d91b35
Create Date: 2026-12-04 19:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5449fa87e92'
down_revision = 'a7c4e2d91b35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counted_visits',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', 'subject', 'visitor', name=op.f('pk_counted_visits'))
    )
    op.create_table('conversation_reads',
    sa.Column('interest_id', sa.Integer(), nullable=False),
    sa.Column('reader', sa.Enum('buyer', 'owner', name='reader', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interest_id'], ['interests.id'], name=op.f('fk_conversation_reads_interest_id_interests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interest_id', 'reader', name=op.f('pk_conversation_reads'))
    )


def downgrade():
    op.drop_table('conversation_reads')
    op.drop_table('counted_visits')
