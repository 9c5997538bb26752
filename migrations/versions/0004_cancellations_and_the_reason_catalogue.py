"""cancellations and the reason catalogue

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 06:44:43.304500
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import recourse.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cancellation_reasons",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("fault", sa.String(length=16), nullable=False),
        sa.Column("requires_note", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cancellation_reasons")),
    )
    op.create_table(
        "cancellations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("initiator", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("fault", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("whole_order", sa.Boolean(), nullable=False),
        sa.Column("requested_by_role", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("respond_by", recourse.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", recourse.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_role", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.String(length=64), nullable=True),
        sa.Column("rejection_note", sa.Text(), nullable=True),
        sa.Column("carrier", sa.String(length=100), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("refund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", recourse.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_cancellations_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_cancellations_refund_id_refunds")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_cancellations_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancellations")),
    )
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.create_index("ix_cancellations_order_status", ["order_id", "status"], unique=False)
        batch_op.create_index(
            "ix_cancellations_status_respond_by", ["status", "respond_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cancellations_store_id"), ["store_id"], unique=False)

    op.create_table(
        "cancellation_lines",
        sa.Column(
            "cancellation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cancellation_id"],
            ["cancellations.id"],
            name=op.f("fk_cancellation_lines_cancellation_id_cancellations"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["order_lines.id"], name=op.f("fk_cancellation_lines_line_id_order_lines")
        ),
        sa.PrimaryKeyConstraint("cancellation_id", "line_id", name=op.f("pk_cancellation_lines")),
    )
    reasons = sa.table(
        "cancellation_reasons",
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("actor", sa.String),
        sa.column("fault", sa.String),
        sa.column("requires_note", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("position", sa.Integer),
    )
    # C5: the catalogue a new installation starts with; the operator edits it afterwards.
    op.bulk_insert(
        reasons,
        [
            {
                "code": "changed_mind",
                "label": "I changed my mind",
                "actor": "buyer",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 0,
            },
            {
                "code": "ordered_by_mistake",
                "label": "I ordered by mistake",
                "actor": "buyer",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 1,
            },
            {
                "code": "found_cheaper",
                "label": "I found it cheaper elsewhere",
                "actor": "buyer",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 2,
            },
            {
                "code": "wrong_address",
                "label": "The delivery address is wrong",
                "actor": "buyer",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 3,
            },
            {
                "code": "wrong_payment_method",
                "label": "I chose the wrong payment method",
                "actor": "buyer",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 4,
            },
            {
                "code": "shipping_too_slow",
                "label": "Delivery would take too long",
                "actor": "buyer",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 5,
            },
            {
                "code": "seller_asked",
                "label": "The seller asked me to cancel",
                "actor": "buyer",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 6,
            },
            {
                "code": "not_shipped_in_time",
                "label": "The seller did not ship in time",
                "actor": "buyer",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 7,
            },
            {
                "code": "other",
                "label": "Something else",
                "actor": "buyer",
                "fault": "none",
                "requires_note": True,
                "active": True,
                "position": 8,
            },
            {
                "code": "out_of_stock",
                "label": "Out of stock",
                "actor": "seller",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 9,
            },
            {
                "code": "cannot_ship_to_address",
                "label": "Cannot ship to this address",
                "actor": "seller",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 10,
            },
            {
                "code": "pricing_error",
                "label": "The price was wrong",
                "actor": "seller",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 11,
            },
            {
                "code": "buyer_requested",
                "label": "The buyer asked to cancel",
                "actor": "seller",
                "fault": "buyer",
                "requires_note": False,
                "active": True,
                "position": 12,
            },
            {
                "code": "suspected_fraud",
                "label": "Suspected fraud",
                "actor": "seller",
                "fault": "none",
                "requires_note": False,
                "active": True,
                "position": 13,
            },
            {
                "code": "payment_window_expired",
                "label": "No payment arrived in time",
                "actor": "system",
                "fault": "none",
                "requires_note": False,
                "active": True,
                "position": 14,
            },
            {
                "code": "seller_overdue",
                "label": "The seller did not ship in time",
                "actor": "system",
                "fault": "seller",
                "requires_note": False,
                "active": True,
                "position": 15,
            },
        ],
    )


def downgrade() -> None:
    op.drop_table("cancellation_lines")
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cancellations_store_id"))
        batch_op.drop_index("ix_cancellations_status_respond_by")
        batch_op.drop_index("ix_cancellations_order_status")

    op.drop_table("cancellations")
    op.drop_table("cancellation_reasons")
