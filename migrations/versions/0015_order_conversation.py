"""order conversation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:00:00.000000

The conversation of an order (SPEC M1): messages between the buyer and the store's sellers
(support joins only when a dispute is escalated), what each participant has read and been told
by email (`conversation_reads`), and the buyer's requests to stop a parcel going out (S1).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "order_messages",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_messages_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_order_messages_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_messages")),
    )
    op.create_index("ix_order_messages_order_id_id", "order_messages", ["order_id", "id"])
    op.create_table(
        "conversation_reads",
        sa.Column("order_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("last_read_id", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("notified_upto_id", sa.BigInteger(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_conversation_reads_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversation_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("order_id", "user_id", name=op.f("pk_conversation_reads")),
    )
    op.create_table(
        "intercept_requests",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("request_message_id", Id, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answered_by_id", Id, nullable=True),
        sa.Column("answer_message_id", Id, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_intercept_requests_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["request_message_id"],
            ["order_messages.id"],
            name=op.f("fk_intercept_requests_request_message_id_order_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_intercept_requests_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_message_id"],
            ["order_messages.id"],
            name=op.f("fk_intercept_requests_answer_message_id_order_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercept_requests")),
    )
    op.create_index(
        "ix_intercept_requests_order_id_status", "intercept_requests", ["order_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_intercept_requests_order_id_status", table_name="intercept_requests")
    op.drop_table("intercept_requests")
    op.drop_table("conversation_reads")
    op.drop_index("ix_order_messages_order_id_id", table_name="order_messages")
    op.drop_table("order_messages")
