"""jobs: the background jobs' queue (jobs), claimed by `flask worker` under a lease, retried
with backoff, dead after their last attempt; one job per dedupe key. The channels' printed
catalogs as the worker built them ahead (catalog_files: the stored file and its version).

Revision ID: a9e8b7c6d5f4
Revises: f5d4a6b7c8e9
Create Date: 2026-12-07 22:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "a9e8b7c6d5f4"
down_revision = "f5d4a6b7c8e9"
branch_labels = None
depends_on = None

HAS_DEDUPE_KEY = sa.text("dedupe_key IS NOT NULL")


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "dead",
                name="job_status",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=80), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_jobs_attempts_not_negative")),
        sa.CheckConstraint("max_attempts >= 1", name=op.f("ck_jobs_max_attempts_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_run_at", ["status", "run_at"], unique=False)
        batch_op.create_index(
            "ix_jobs_status_locked_until", ["status", "locked_until"], unique=False
        )
        batch_op.create_index("ix_jobs_name_status", ["name", "status"], unique=False)
        batch_op.create_index(
            "ix_jobs_status_finished_at", ["status", "finished_at"], unique=False
        )
        batch_op.create_index(
            "uq_jobs_dedupe_key",
            ["dedupe_key"],
            unique=True,
            sqlite_where=HAS_DEDUPE_KEY,
            postgresql_where=HAS_DEDUPE_KEY,
        )
    op.create_table(
        "catalog_files",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_catalog_files_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_catalog_files")),
    )


def downgrade():
    op.drop_table("catalog_files")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("uq_jobs_dedupe_key")
        batch_op.drop_index("ix_jobs_status_finished_at")
        batch_op.drop_index("ix_jobs_name_status")
        batch_op.drop_index("ix_jobs_status_locked_until")
        batch_op.drop_index("ix_jobs_status_run_at")
    op.drop_table("jobs")
