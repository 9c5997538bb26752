"""order_id on every row of an order: the key a distributed database shards by

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:00:00.000000

Rows that hang off an order through a parent (a cancellation's lines, a refund's lines and
gateway attempts, a return's lines, a parcel's lines and carrier events, a dispute's proposals
and requests for information) carry the order's id themselves, filled here from the parent and
NOT NULL from now on: a distributed PostgreSQL (Citus) places every row of one order on the
same shard by that column, so a use case's transaction stays on one shard (docs/scaling.md).

The outbox and the event log get a nullable `order_id`: set when the message or event is about
an order (most are; account emails and webhook pings are not). Events are filled from their
payload's `data.order_id`, the outbox's event messages from their event. `ix_outbox_shard_waiting`
lets a worker claim the waiting messages of one logical shard (`order_id % 32`) only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# child table -> (parent table, the child's column naming the parent)
CHILDREN = {
    "cancellation_lines": ("cancellations", "cancellation_id"),
    "refund_lines": ("refunds", "refund_id"),
    "refund_attempts": ("refunds", "refund_id"),
    "return_lines": ("returns", "return_id"),
    "shipment_lines": ("shipments", "shipment_id"),
    "shipment_events": ("shipments", "shipment_id"),
    "dispute_proposals": ("disputes", "dispute_id"),
    "dispute_info_requests": ("disputes", "dispute_id"),
}
WAITING = "delivered_at IS NULL AND dead_at IS NULL AND order_id IS NOT NULL"
SHARD_INDEX = "ix_outbox_shard_waiting"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for child, (parent, ref) in CHILDREN.items():
        op.add_column(child, sa.Column("order_id", Id, nullable=True))
        op.execute(
            f"UPDATE {child} SET order_id = "  # noqa: S608 (names from CHILDREN)
            f"(SELECT p.order_id FROM {parent} p WHERE p.id = {child}.{ref})"
        )
        with op.batch_alter_table(child) as batch:
            batch.alter_column("order_id", existing_type=Id, nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{child}_order_id_orders"), "orders", ["order_id"], ["id"]
            )

    for table in ("events", "outbox"):
        op.add_column(table, sa.Column("order_id", Id, nullable=True))
    if sqlite:
        order_of_event = (
            "CASE WHEN json_type(payload, '$.data.order_id') = 'integer' "
            "THEN json_extract(payload, '$.data.order_id') END"
        )
        event_of_message = "json_extract(outbox.payload, '$.event_id')"
    else:
        order_of_event = (
            "CASE WHEN json_typeof(payload -> 'data' -> 'order_id') = 'number' "
            "THEN CAST(payload -> 'data' ->> 'order_id' AS BIGINT) END"
        )
        event_of_message = "outbox.payload ->> 'event_id'"
    op.execute(f"UPDATE events SET order_id = {order_of_event}")  # noqa: S608
    op.execute(
        "UPDATE outbox SET order_id = (SELECT e.order_id FROM events e "  # noqa: S608
        f"WHERE e.id = {event_of_message}) WHERE kind = 'event'"
    )
    op.create_index("ix_events_order_id", "events", ["order_id"])
    op.create_index(
        SHARD_INDEX,
        "outbox",
        [sa.text("(order_id % 32)"), "available_at", "id"],
        postgresql_where=sa.text(WAITING),
        sqlite_where=sa.text(WAITING),
    )


def downgrade() -> None:
    op.drop_index(SHARD_INDEX, table_name="outbox")
    op.drop_index("ix_events_order_id", table_name="events")
    for table in ("outbox", "events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("order_id")
    for child in reversed(CHILDREN):
        with op.batch_alter_table(child) as batch:
            batch.drop_constraint(op.f(f"fk_{child}_order_id_orders"), type_="foreignkey")
            batch.drop_column("order_id")
