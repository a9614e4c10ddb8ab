"""sheet_uploads: a spreadsheet of products an owner uploaded, kept between its preview and its
import (the rows as the file held them, under a random token; pending, then imported once).

Revision ID: b7f6c8d9e0a1
Revises: c8a7d9e0f1b2
Create Date: 2026-12-07 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "b7f6c8d9e0a1"
down_revision = 'c8a7d9e0f1b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sheet_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("ignored", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "imported",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_sheet_uploads_business_id_businesses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sheet_uploads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_sheet_uploads_token")),
    )
    with op.batch_alter_table("sheet_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sheet_uploads_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index("ix_sheet_uploads_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sheet_uploads_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sheet_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sheet_uploads_user_id"))
        batch_op.drop_index("ix_sheet_uploads_created_at")
        batch_op.drop_index(batch_op.f("ix_sheet_uploads_business_id"))
    op.drop_table("sheet_uploads")
