"""indexes for orders whose status the clock has moved on

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:58:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PROTECTED = "status IN ('shipped', 'delivered')"
UNPAID = "status = 'awaiting_payment'"
INDEXES = [
    ("ix_orders_buyer_protection_ends_at", ["buyer_id", "protection_ends_at"], PROTECTED),
    ("ix_orders_store_protection_ends_at", ["store_id", "protection_ends_at"], PROTECTED),
    ("ix_orders_buyer_pay_by", ["buyer_id", "pay_by"], UNPAID),
    ("ix_orders_store_pay_by", ["store_id", "pay_by"], UNPAID),
]


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name, columns, where in INDEXES:
            batch_op.create_index(
                name,
                columns,
                unique=False,
                postgresql_where=sa.text(where),
                sqlite_where=sa.text(where),
            )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name, _, where in INDEXES:
            batch_op.drop_index(name, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
