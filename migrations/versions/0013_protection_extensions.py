"""protection extensions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:00:00.000000

A buyer asks the seller to extend buyer protection by some days, with a reason; the seller
grants or declines. One request waits at a time per order (looked up by order and status).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "protection_extensions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("requested_by_id", Id, nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", Id, nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("ends_before", UTCDateTime(), nullable=True),
        sa.Column("ends_after", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_protection_extensions_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_protection_extensions_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_protection_extensions_decided_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_extensions")),
    )
    op.create_index(
        "ix_protection_extensions_order_id_status",
        "protection_extensions",
        ["order_id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_protection_extensions_order_id_status", table_name="protection_extensions")
    op.drop_table("protection_extensions")
