"""deal currency: a won deal keeps the amount, currency and rate it was negotiated in

won_value_idr stays the deal's value in rupiah (what reports sum); won_amount, won_currency and
won_idr_per_unit record the figure the two parties agreed on and the rupiah per unit it was
counted at. Deals recorded before stay as they are (rupiah only).

Revision ID: e3b8d51f0a62
Revises: e3b8d41c7a62
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3b8d51f0a62'
down_revision = 'e3b8d41c7a62'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('interests', sa.Column('won_amount', sa.Numeric(precision=20, scale=2), nullable=True))
    op.add_column('interests', sa.Column('won_currency', sa.String(length=3), nullable=True))
    op.add_column('interests', sa.Column('won_idr_per_unit', sa.Numeric(precision=18, scale=6), nullable=True))


def downgrade():
    op.drop_column('interests', 'won_idr_per_unit')
    op.drop_column('interests', 'won_currency')
    op.drop_column('interests', 'won_amount')
