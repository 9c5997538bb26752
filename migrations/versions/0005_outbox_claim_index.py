"""outbox claim index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 07:53:14.886273
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_waiting",
            ["available_at", "id"],
            unique=False,
            postgresql_where=sa.text("delivered_at IS NULL AND dead_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL AND dead_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_waiting",
            postgresql_where=sa.text("delivered_at IS NULL AND dead_at IS NULL"),
            sqlite_where=sa.text("delivered_at IS NULL AND dead_at IS NULL"),
        )
