"""business matching: events of short meetings between MSMEs and buyers, their participants,
the meetings, and one booking per participant per meeting, unique per participant and slot
start, so nobody is in two meetings at once (also when two requests race).

Revision ID: d3b2e4f5a6c7
Revises: c2a1d3e4f5b6
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd3b2e4f5a6c7'
down_revision = 'c2a1d3e4f5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matching_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('partner_city_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('meeting_link', sa.String(length=500), nullable=True),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('windows', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_matching_events_days_in_order')),
    sa.CheckConstraint('meeting_minutes BETWEEN 5 AND 240', name=op.f('ck_matching_events_meeting_minutes_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_matching_events_created_by_id_users')),
    sa.ForeignKeyConstraint(['partner_city_id'], ['partner_cities.id'], name=op.f('fk_matching_events_partner_city_id_partner_cities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_events'))
    )
    with op.batch_alter_table('matching_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_events_partner_city_id'), ['partner_city_id'], unique=False)

    op.create_table('matching_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('msme', 'buyer', name='side', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('seek', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(side = 'msme') = (business_id IS NOT NULL)", name=op.f('ck_matching_participants_business_for_msme')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_matching_participants_business_id_businesses')),
    sa.ForeignKeyConstraint(['event_id'], ['matching_events.id'], name=op.f('fk_matching_participants_event_id_matching_events')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_matching_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_participants')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_matching_participants_event_id_user_id'))
    )
    with op.batch_alter_table('matching_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_participants_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matching_participants_user_id'), ['user_id'], unique=False)

    op.create_table('matching_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('msme_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Enum('msme', 'buyer', name='requested_by', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('requested', 'accepted', 'declined', 'cancelled', name='status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_matching_meetings_times_in_order')),
    sa.ForeignKeyConstraint(['buyer_id'], ['matching_participants.id'], name=op.f('fk_matching_meetings_buyer_id_matching_participants')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_matching_meetings_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['matching_events.id'], name=op.f('fk_matching_meetings_event_id_matching_events')),
    sa.ForeignKeyConstraint(['msme_id'], ['matching_participants.id'], name=op.f('fk_matching_meetings_msme_id_matching_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_meetings'))
    )
    with op.batch_alter_table('matching_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_meetings_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index('ix_matching_meetings_event_starts', ['event_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_matching_meetings_msme_id'), ['msme_id'], unique=False)

    op.create_table('matching_participant_subsectors',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('subsector_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['matching_participants.id'], name=op.f('fk_matching_participant_subsectors_participant_id_matching_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subsector_code'], ['subsectors.code'], name=op.f('fk_matching_participant_subsectors_subsector_code_subsectors')),
    sa.PrimaryKeyConstraint('participant_id', 'subsector_code', name=op.f('pk_matching_participant_subsectors'))
    )
    op.create_table('matching_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['matching_meetings.id'], name=op.f('fk_matching_bookings_meeting_id_matching_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['matching_participants.id'], name=op.f('fk_matching_bookings_participant_id_matching_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_bookings')),
    sa.UniqueConstraint('participant_id', 'starts_at', name=op.f('uq_matching_bookings_participant_id_starts_at'))
    )
    with op.batch_alter_table('matching_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_bookings_meeting_id'), ['meeting_id'], unique=False)



def downgrade():
    with op.batch_alter_table('matching_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_bookings_meeting_id'))

    op.drop_table('matching_bookings')
    op.drop_table('matching_participant_subsectors')
    with op.batch_alter_table('matching_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_meetings_msme_id'))
        batch_op.drop_index('ix_matching_meetings_event_starts')
        batch_op.drop_index(batch_op.f('ix_matching_meetings_buyer_id'))

    op.drop_table('matching_meetings')
    with op.batch_alter_table('matching_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_matching_participants_business_id'))

    op.drop_table('matching_participants')
    with op.batch_alter_table('matching_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_events_partner_city_id'))

    op.drop_table('matching_events')
