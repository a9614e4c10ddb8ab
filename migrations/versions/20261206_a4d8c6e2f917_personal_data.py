"""personal data: an account deleted by its owner keeps its row, anonymised (status
"deleted"); a visitor met at a stand whose details were deleted keeps the interest's row
(stand_visitors.erased_at, and a visitor erased need not be reachable).

Revision ID: a4d8c6e2f917
Revises: 9f1c2e7a5b83
Create Date: 2026-12-06 20:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d8c6e2f917'
down_revision = '9f1c2e7a5b83'
branch_labels = None
depends_on = None

REACHABLE_BEFORE = 'email IS NOT NULL OR whatsapp IS NOT NULL'
REACHABLE = 'email IS NOT NULL OR whatsapp IS NOT NULL OR erased_at IS NOT NULL'


def _statuses(batch_op, values):
    batch_op.drop_constraint(op.f('ck_users_status'), type_='check')
    batch_op.create_check_constraint(
        op.f('ck_users_status'), f"status IN ({', '.join(repr(v) for v in values)})"
    )


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        _statuses(batch_op, ('active', 'suspended', 'deleted'))
    with op.batch_alter_table('stand_visitors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_stand_visitors_reachable'), type_='check')
        batch_op.create_check_constraint(op.f('ck_stand_visitors_reachable'), REACHABLE)


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE users SET status = 'suspended' WHERE status = 'deleted'"))
    bind.execute(sa.text(
        "UPDATE stand_visitors SET email = 'erased@invalid' "
        "WHERE email IS NULL AND whatsapp IS NULL"
    ))
    with op.batch_alter_table('stand_visitors', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_stand_visitors_reachable'), type_='check')
        batch_op.create_check_constraint(op.f('ck_stand_visitors_reachable'), REACHABLE_BEFORE)
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        _statuses(batch_op, ('active', 'suspended'))
