"""store status counts: how many orders each store has per stored status

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:00:00.000000

The seller's tab counts read these rows instead of counting the store's orders (a store with
half a million orders took ~60-100 ms to count). Order creation and every change of the stored
`orders.status` keep them, in the same transaction; each store's count per status is split
over 16 slots (order id modulo 16) so concurrent writes rarely wait for one row. Filled here
from the orders already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "store_status_counts",
        sa.Column("store_id", Id, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_status_counts_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", "status", "slot", name=op.f("pk_store_status_counts")),
    )
    op.execute(
        "INSERT INTO store_status_counts (store_id, status, slot, count) "
        "SELECT store_id, status, id % 16, count(*) FROM orders "
        "GROUP BY store_id, status, id % 16"
    )


def downgrade() -> None:
    op.drop_table("store_status_counts")
