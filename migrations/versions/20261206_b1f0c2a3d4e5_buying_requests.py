"""buying requests: a buyer's request, the MSMEs it was routed to, their quotes and the
questions about them; a picked quote points to the conversation it opened.

Revision ID: b1f0c2a3d4e5
Revises: a4d8c6e2f917
Create Date: 2026-12-06 19:00:48.955263
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "b1f0c2a3d4e5"
down_revision = "a4d8c6e2f917"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "buying_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("subsector_code", sa.String(length=40), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("target_price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("incoterm", sa.String(length=3), nullable=True),
        sa.Column("destination", sa.String(length=120), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "screening",
                "open",
                "rejected",
                "withdrawn",
                "awarded",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("screened_by_id", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_buying_requests_quantity_positive")),
        sa.CheckConstraint(
            "target_price IS NULL OR target_price > 0",
            name=op.f("ck_buying_requests_price_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_buying_requests_buyer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["screened_by_id"], ["users.id"], name=op.f("fk_buying_requests_screened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["subsector_code"],
            ["subsectors.code"],
            name=op.f("fk_buying_requests_subsector_code_subsectors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buying_requests")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_buying_requests_submission_key")),
    )
    with op.batch_alter_table("buying_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buying_requests_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(
            "ix_buying_requests_status_closes_at", ["status", "closes_at"], unique=False
        )

    op.create_table(
        "buying_request_certifications",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("certification_code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["certification_code"],
            ["certifications.code"],
            name=op.f("fk_buying_request_certifications_certification_code_certifications"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["buying_requests.id"],
            name=op.f("fk_buying_request_certifications_request_id_buying_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "certification_code", name=op.f("pk_buying_request_certifications")
        ),
    )
    op.create_table(
        "buying_request_recipients",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_buying_request_recipients_business_id_businesses"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_buying_request_recipients_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["buying_requests.id"],
            name=op.f("fk_buying_request_recipients_request_id_buying_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "request_id", "business_id", name=op.f("pk_buying_request_recipients")
        ),
    )
    with op.batch_alter_table("buying_request_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_buying_request_recipients_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("unit_price_idr", sa.BigInteger(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "picked",
                "not_picked",
                "withdrawn",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("interest_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("lead_time_days >= 0", name=op.f("ck_quotes_lead_time_not_negative")),
        sa.CheckConstraint("moq IS NULL OR moq > 0", name=op.f("ck_quotes_moq_positive")),
        sa.CheckConstraint("unit_price_idr > 0", name=op.f("ck_quotes_price_positive")),
        sa.ForeignKeyConstraint(
            ["business_id"], ["businesses.id"], name=op.f("fk_quotes_business_id_businesses")
        ),
        sa.ForeignKeyConstraint(
            ["interest_id"], ["interests.id"], name=op.f("fk_quotes_interest_id_interests")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_quotes_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["buying_requests.id"],
            name=op.f("fk_quotes_request_id_buying_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_quotes_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("interest_id", name=op.f("uq_quotes_interest_id")),
        sa.UniqueConstraint(
            "request_id", "business_id", name=op.f("uq_quotes_request_id_business_id")
        ),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotes_request_id"), ["request_id"], unique=False)

    op.create_table(
        "quote_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_quote_messages_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=op.f("fk_quote_messages_sender_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_messages")),
    )
    with op.batch_alter_table("quote_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_messages_quote_id"), ["quote_id"], unique=False)


def downgrade():
    with op.batch_alter_table("quote_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_messages_quote_id"))

    op.drop_table("quote_messages")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_request_id"))
        batch_op.drop_index(batch_op.f("ix_quotes_business_id"))

    op.drop_table("quotes")
    with op.batch_alter_table("buying_request_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buying_request_recipients_business_id"))

    op.drop_table("buying_request_recipients")
    op.drop_table("buying_request_certifications")
    with op.batch_alter_table("buying_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_buying_requests_status_closes_at")
        batch_op.drop_index(batch_op.f("ix_buying_requests_buyer_id"))

    op.drop_table("buying_requests")
