"""escalations: the office's queue of interests left unanswered (escalations, one per
interest, open / taken / closed with its outcome) and the officers' notes and contacts with the
MSME (escalation_notes). Interests the office was already told about and still unanswered are
put in the queue.

Revision ID: e4c3f5a6b7d8
Revises: d3b2e4f5a6c7
Create Date: 2026-12-07 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "e4c3f5a6b7d8"
down_revision = 'd3b2e4f5a6c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interest_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "taken",
                "closed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "msme_replied",
                "buyer_not_interested",
                "other",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)",
            name=op.f("ck_escalations_closed_with_outcome"),
        ),
        sa.CheckConstraint(
            "status <> 'taken' OR taken_by_id IS NOT NULL",
            name=op.f("ck_escalations_taken_by_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["interests.id"],
            name=op.f("fk_escalations_interest_id_interests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["users.id"], name=op.f("fk_escalations_taken_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_escalations_closed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("interest_id", name=op.f("uq_escalations_interest_id")),
    )
    op.create_index(
        "ix_escalations_status_created_at", "escalations", ["status", "created_at"], unique=False
    )
    op.create_index(
        op.f("ix_escalations_taken_by_id"), "escalations", ["taken_by_id"], unique=False
    )
    op.create_table(
        "escalation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "note",
                "contacted",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "whatsapp",
                "email",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=True,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'contacted') = (channel IS NOT NULL)",
            name=op.f("ck_escalation_notes_contacted_by_a_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_escalation_notes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_notes_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_notes")),
    )
    op.create_index(
        op.f("ix_escalation_notes_escalation_id"),
        "escalation_notes",
        ["escalation_id"],
        unique=False,
    )
    # Interests the office was told about before the queue existed, still waiting for an answer.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO escalations (interest_id, status, created_at, updated_at) "
            "SELECT id, 'open', escalated_at, escalated_at FROM interests "
            "WHERE escalated_at IS NOT NULL AND first_reply_at IS NULL AND status = 'new'"
        )
    )


def downgrade():
    op.drop_index(op.f("ix_escalation_notes_escalation_id"), table_name="escalation_notes")
    op.drop_table("escalation_notes")
    op.drop_index(op.f("ix_escalations_taken_by_id"), table_name="escalations")
    op.drop_index("ix_escalations_status_created_at", table_name="escalations")
    op.drop_table("escalations")
