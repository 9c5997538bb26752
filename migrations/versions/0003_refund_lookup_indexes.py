"""refund lookup indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 06:35:43.497452
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_refunds_gateway_reference", ["gateway", "gateway_reference"], unique=False
        )
        batch_op.create_index("ix_refunds_needs_attention", ["needs_attention"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_needs_attention")
        batch_op.drop_index("ix_refunds_gateway_reference")
