"""buying requests closed notice: when the buyer was told that quotes had closed (once).

Revision ID: c8a7d9e0f1b2
Revises: e4c3f5a6b7d8
Create Date: 2026-12-06 20:07:56.150339
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c8a7d9e0f1b2'
down_revision = 'e4c3f5a6b7d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('buying_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_notice_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('buying_requests', schema=None) as batch_op:
        batch_op.drop_column('closed_notice_at')

