"""disputes: D1-D7, the support console's queue and the proposals and questions of a case

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 19:30:00.000000

One `disputes` row per case with every deadline it runs on and both decisions (D5, D6);
`due_at` is the deadline the current step waits for (the support queue sorts on it).
`open_order_id` holds the order's id while the dispute is open and NULL afterwards: its unique
index is what keeps one open dispute per order (D2), also under concurrent attempts, on SQLite
and PostgreSQL alike. Proposals (D2-D4) and support's requests for information (D5) are rows
of their own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _decision(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}outcome", sa.String(length=24), nullable=True),
        sa.Column(f"{prefix}decided_amount", sa.BigInteger(), nullable=True),
        sa.Column(f"{prefix}rationale", sa.Text(), nullable=True),
        sa.Column(f"{prefix}decided_by_id", Id, nullable=True),
        sa.Column(f"{prefix}decided_at", UTCDateTime(), nullable=True),
        sa.Column(f"{prefix}charged_to_store", sa.Boolean(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("store_id", Id, nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("wanted", sa.String(length=24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("opened_by_id", Id, nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("open_order_id", Id, nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("cancellation_id", Id, nullable=True),
        sa.Column("return_id", Id, nullable=True),
        sa.Column("refund_id", Id, nullable=True),
        sa.Column("respond_by", UTCDateTime(), nullable=True),
        sa.Column("escalate_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("escalated_by", sa.String(length=16), nullable=True),
        sa.Column("sla_due_at", UTCDateTime(), nullable=True),
        sa.Column("assignee_id", Id, nullable=True),
        *_decision(""),
        sa.Column("appeal_by", UTCDateTime(), nullable=True),
        sa.Column("appealed_by", sa.String(length=16), nullable=True),
        sa.Column("appealed_at", UTCDateTime(), nullable=True),
        sa.Column("appeal_assignee_id", Id, nullable=True),
        *_decision("appeal_"),
        sa.Column("resolution", sa.String(length=24), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_disputes_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_disputes_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_disputes_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_disputes_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["appeal_assignee_id"],
            ["users.id"],
            name=op.f("fk_disputes_appeal_assignee_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["cancellation_id"],
            ["cancellations.id"],
            name=op.f("fk_disputes_cancellation_id_cancellations"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_disputes_return_id_returns")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_disputes_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_open_order_id", "disputes", ["open_order_id"], unique=True)
    op.create_index("ix_disputes_order_id", "disputes", ["order_id"])
    op.create_index("ix_disputes_status_due_at", "disputes", ["status", "due_at"])
    op.create_index("ix_disputes_store_id_status", "disputes", ["store_id", "status"])
    op.create_index("ix_disputes_assignee_id_status", "disputes", ["assignee_id", "status"])
    op.create_index(
        "ix_disputes_order_id_request_key", "disputes", ["order_id", "request_key"], unique=True
    )
    op.create_table(
        "dispute_proposals",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("dispute_id", Id, nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("wanted", sa.String(length=24), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_proposals_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_proposals")),
    )
    op.create_index("ix_dispute_proposals_dispute_id", "dispute_proposals", ["dispute_id"])
    op.create_table(
        "dispute_info_requests",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("dispute_id", Id, nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("asked_by_id", Id, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_info_requests_dispute_id_disputes"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_dispute_info_requests_asked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_info_requests")),
    )
    op.create_index("ix_dispute_info_requests_dispute_id", "dispute_info_requests", ["dispute_id"])


def downgrade() -> None:
    op.drop_index("ix_dispute_info_requests_dispute_id", table_name="dispute_info_requests")
    op.drop_table("dispute_info_requests")
    op.drop_index("ix_dispute_proposals_dispute_id", table_name="dispute_proposals")
    op.drop_table("dispute_proposals")
    for name in (
        "ix_disputes_order_id_request_key",
        "ix_disputes_assignee_id_status",
        "ix_disputes_store_id_status",
        "ix_disputes_status_due_at",
        "ix_disputes_order_id",
        "ix_disputes_open_order_id",
    ):
        op.drop_index(name, table_name="disputes")
    op.drop_table("disputes")
