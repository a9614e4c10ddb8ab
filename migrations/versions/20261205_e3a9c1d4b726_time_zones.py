"""time zones: a partner city's IANA zone, and the zone a person chose

Revision ID: e3a9c1d4b726
Revises: 57430601a138
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3a9c1d4b726'
down_revision = '57430601a138'
branch_labels = None
depends_on = None

# The partner cities as shipped (marketplace/reference/data/partner_cities.json), written out
# here so that the migration means the same whatever the data file later says.
CITY_ZONES = {
    'Braunschweig': 'Europe/Berlin',
    'Fort Worth': 'America/Chicago',
    'Seoul': 'Asia/Seoul',
    'Suwon': 'Asia/Seoul',
    'Yingkou': 'Asia/Shanghai',
    'Liuzhou': 'Asia/Shanghai',
    'Hangzhou': 'Asia/Shanghai',
    'Namur': 'Europe/Brussels',
    'Petaling Jaya': 'Asia/Kuala_Lumpur',
    'Melbourne': 'Australia/Melbourne',
}


def upgrade():
    with op.batch_alter_table('partner_cities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))

    cities = sa.table('partner_cities', sa.column('name', sa.String), sa.column('timezone', sa.String))
    for name, zone in CITY_ZONES.items():
        op.execute(cities.update().where(cities.c.name == name).values(timezone=zone))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('partner_cities', schema=None) as batch_op:
        batch_op.drop_column('timezone')
