"""cancellation request key

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_cancellations_order_request_key", ["order_id", "request_key"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.drop_index("ix_cancellations_order_request_key")
        batch_op.drop_column("request_key")
