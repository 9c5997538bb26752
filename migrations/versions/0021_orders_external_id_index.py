"""orders: an index on the marketplace reference alone

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:10:00.000000

Support's search box finds an order by its marketplace reference in any store; the unique
(store_id, external_id) constraint cannot serve a lookup without the store, so the search read
every order.
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_external_id", "orders", ["external_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_external_id", table_name="orders")
