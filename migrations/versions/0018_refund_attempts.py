"""refund attempts: every answer of the payment gateway about a refund, and every failure

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 20:00:00.000000

F3/F4/F5: the refund row keeps the latest answer (status, reference, trace number, last
error) and a count of failed sends; `refund_attempts` keeps each of them with its time, so
support sees the whole gateway history of a refund that never arrived (D1
`refund_not_received`). `kind` is `answer` (what the gateway's API said about the refund, to a
send or a look-up) or `failure` (a send that did not reach the gateway or was refused before
it answered).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "refund_attempts",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("refund_id", Id, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("trace_number", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_refund_attempts_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_attempts")),
    )
    op.create_index("ix_refund_attempts_refund_id", "refund_attempts", ["refund_id"])


def downgrade() -> None:
    op.drop_index("ix_refund_attempts_refund_id", table_name="refund_attempts")
    op.drop_table("refund_attempts")
