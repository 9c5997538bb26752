"""returns: buyer returns (R1-R5) and parcels coming back (S1, S2)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 19:00:00.000000

One `returns` row per return of any kind with its lines and every deadline it runs on;
`due_at` is the deadline the current step waits for (the seller's inbox sorts on it). A parcel
gets a direction: the seller's parcels go `outbound`, the buyer's return parcels go `return`
and name their return, so the carrier feed reports on both through one endpoint.

The reason catalogue (C5) serves both: a reason is offered for cancellations, for returns or
both, and a return reason has a category (R1: remorse, or not as described). Stores keep the
address returns go to.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# R1: the return reasons a new installation starts with (code, label, category, fault);
# `ordered_by_mistake` exists already and is offered for returns too.
RETURN_REASONS = (
    ("no_longer_needed", "I no longer need it", "remorse", "buyer"),
    ("wrong_size", "It is the wrong size", "remorse", "buyer"),
    ("found_better_price", "I found a better price", "remorse", "buyer"),
    ("not_as_described", "It is not as described", "not_as_described", "seller"),
    ("damaged", "It arrived damaged", "not_as_described", "seller"),
    ("defective", "It does not work", "not_as_described", "seller"),
    ("wrong_item", "I received the wrong item", "not_as_described", "seller"),
    ("missing_parts", "Parts are missing", "not_as_described", "seller"),
    ("counterfeit", "It is counterfeit", "not_as_described", "seller"),
)


def upgrade() -> None:
    with op.batch_alter_table("cancellation_reasons") as batch:
        batch.add_column(
            sa.Column("for_cancellation", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("for_return", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("category", sa.String(length=24), nullable=True))
    reasons = sa.table(
        "cancellation_reasons",
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("actor", sa.String),
        sa.column("fault", sa.String),
        sa.column("requires_note", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("position", sa.Integer),
        sa.column("for_cancellation", sa.Boolean),
        sa.column("for_return", sa.Boolean),
        sa.column("category", sa.String),
    )
    op.execute(
        reasons.update()
        .where(reasons.c.code == "ordered_by_mistake")
        .values(for_return=True, category="remorse")
    )
    op.bulk_insert(
        reasons,
        [
            {
                "code": code,
                "label": label,
                "actor": "buyer",
                "fault": fault,
                "requires_note": False,
                "active": True,
                "position": 100 + i,
                "for_cancellation": False,
                "for_return": True,
                "category": category,
            }
            for i, (code, label, category, fault) in enumerate(RETURN_REASONS)
        ],
    )
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("return_address", sa.Text(), nullable=True))
    op.create_table(
        "returns",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("store_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("fault", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("requested_by_role", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", Id, nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("respond_by", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_role", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", Id, nullable=True),
        sa.Column("return_address", sa.Text(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("offer_amount", sa.BigInteger(), nullable=True),
        sa.Column("offer_status", sa.String(length=16), nullable=True),
        sa.Column("offer_answer_by", UTCDateTime(), nullable=True),
        sa.Column("ship_by", UTCDateTime(), nullable=True),
        sa.Column("carrier", sa.String(length=100), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("shipped_at", UTCDateTime(), nullable=True),
        sa.Column("return_shipment_id", Id, nullable=True),
        sa.Column("outbound_shipment_id", Id, nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("refund_by", UTCDateTime(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=True),
        sa.Column("condition", sa.String(length=16), nullable=True),
        sa.Column("problem_note", sa.Text(), nullable=True),
        sa.Column("refund_id", Id, nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_returns_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_returns_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_returns_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["return_shipment_id"],
            ["shipments.id"],
            name=op.f("fk_returns_return_shipment_id_shipments"),
        ),
        sa.ForeignKeyConstraint(
            ["outbound_shipment_id"],
            ["shipments.id"],
            name=op.f("fk_returns_outbound_shipment_id_shipments"),
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_returns_refund_id_refunds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    op.create_index("ix_returns_order_id_status", "returns", ["order_id", "status"])
    op.create_index(
        "ix_returns_store_id_status_due_at", "returns", ["store_id", "status", "due_at"]
    )
    op.create_index(
        "ix_returns_order_id_request_key", "returns", ["order_id", "request_key"], unique=True
    )
    op.create_table(
        "return_lines",
        sa.Column("return_id", Id, nullable=False),
        sa.Column("line_id", Id, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_lines_return_id_returns")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["order_lines.id"], name=op.f("fk_return_lines_line_id_order_lines")
        ),
        sa.PrimaryKeyConstraint("return_id", "line_id", name=op.f("pk_return_lines")),
    )
    with op.batch_alter_table("shipments") as batch:
        batch.add_column(
            sa.Column("direction", sa.String(length=16), nullable=False, server_default="outbound")
        )
        batch.add_column(sa.Column("return_id", Id, nullable=True))
        batch.create_foreign_key(
            op.f("fk_shipments_return_id_returns"), "returns", ["return_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        batch.drop_constraint(op.f("fk_shipments_return_id_returns"), type_="foreignkey")
        batch.drop_column("return_id")
        batch.drop_column("direction")
    op.drop_table("return_lines")
    op.drop_index("ix_returns_order_id_request_key", table_name="returns")
    op.drop_index("ix_returns_store_id_status_due_at", table_name="returns")
    op.drop_index("ix_returns_order_id_status", table_name="returns")
    op.drop_table("returns")
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("return_address")
    reasons = sa.table("cancellation_reasons", sa.column("code", sa.String))
    op.execute(reasons.delete().where(reasons.c.code.in_([r[0] for r in RETURN_REASONS])))
    with op.batch_alter_table("cancellation_reasons") as batch:
        batch.drop_column("category")
        batch.drop_column("for_return")
        batch.drop_column("for_cancellation")
