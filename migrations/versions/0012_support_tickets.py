"""support tickets

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:00:00.000000

A buyer or a seller opens a ticket about one order ("Contact support"); support answers or closes
it from a queue read open-first, oldest-first (index on status, created_at), and sees an order's
tickets on its page (index on order_id).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "support_tickets",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("opened_by_id", Id, nullable=False),
        sa.Column("opener_role", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_by_id", Id, nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_support_tickets_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_support_tickets_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_support_tickets_closed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
    )
    op.create_index(
        "ix_support_tickets_status_created_at", "support_tickets", ["status", "created_at"]
    )
    op.create_index(op.f("ix_support_tickets_order_id"), "support_tickets", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_support_tickets_order_id"), table_name="support_tickets")
    op.drop_index("ix_support_tickets_status_created_at", table_name="support_tickets")
    op.drop_table("support_tickets")
