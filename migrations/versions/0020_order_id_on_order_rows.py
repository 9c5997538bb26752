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
payload's `data.order_id`; messages already stored from what their payload names (an event, a
refund, a webhook delivery, an email's order, a deadline's subject). `ix_outbox_shard_waiting`
lets a worker claim the waiting messages of one logical shard (`order_id % 32`) only.
"""

# ruff: noqa: S608 -- the SQL below is built from the constants of this file only

from __future__ import annotations

from collections.abc import Callable

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
# a deadline's name starts with what its subject_id names (services/deadlines.py); the first
# prefix that matches wins (an information request's deadlines before the dispute's)
DEADLINE_SUBJECTS = (
    ("order.%", "orders", "id"),
    ("cancellation.%", "cancellations", "order_id"),
    ("return.%", "returns", "order_id"),
    ("dispute.info%", "dispute_info_requests", "order_id"),
    ("dispute.%", "disputes", "order_id"),
    ("evidence.%", "evidence_files", "order_id"),
    ("conversation.%", "order_messages", "order_id"),
)
WAITING = "delivered_at IS NULL AND dead_at IS NULL AND order_id IS NOT NULL"
SHARD_INDEX = "ix_outbox_shard_waiting"


def _pg_json() -> tuple[Callable[..., str], Callable[..., str]]:
    def number(column: str, *path: str) -> str:
        at = "{" + ",".join(path) + "}"
        return (
            f"CASE WHEN json_typeof({column} #> '{at}') = 'number' "
            f"THEN CAST({column} #>> '{at}' AS BIGINT) END"
        )

    def text_(column: str, *path: str) -> str:
        return f"({column} #>> '{{{','.join(path)}}}')"

    return number, text_


def _sqlite_json() -> tuple[Callable[..., str], Callable[..., str]]:
    def number(column: str, *path: str) -> str:
        at = "$." + ".".join(path)
        return (
            f"CASE WHEN json_type({column}, '{at}') = 'integer' "
            f"THEN json_extract({column}, '{at}') END"
        )

    def text_(column: str, *path: str) -> str:
        return f"json_extract({column}, '$.{'.'.join(path)}')"

    return number, text_


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for child, (parent, ref) in CHILDREN.items():
        op.add_column(child, sa.Column("order_id", Id, nullable=True))
        op.execute(
            f"UPDATE {child} SET order_id = "
            f"(SELECT p.order_id FROM {parent} p WHERE p.id = {child}.{ref})"
        )
        with op.batch_alter_table(child) as batch:
            batch.alter_column("order_id", existing_type=Id, nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{child}_order_id_orders"), "orders", ["order_id"], ["id"]
            )

    for table in ("events", "outbox"):
        op.add_column(table, sa.Column("order_id", Id, nullable=True))
    number, text_ = (_sqlite_json if sqlite else _pg_json)()
    op.execute(f"UPDATE events SET order_id = {number('events.payload', 'data', 'order_id')}")
    # Messages already waiting: the order they are about, found from what their payload names.
    message = "outbox.payload"
    for kinds, order_of in (
        (
            "kind = 'event'",
            f"SELECT e.order_id FROM events e WHERE e.id = {text_(message, 'event_id')}",
        ),
        (
            "kind IN ('refund.send', 'refund.check')",
            f"SELECT r.order_id FROM refunds r WHERE r.id = {number(message, 'refund_id')}",
        ),
        (
            "kind = 'webhook'",
            "SELECT e.order_id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id "
            f"WHERE d.id = {number(message, 'delivery_id')}",
        ),
        (
            "kind = 'email'",
            f"SELECT o.id FROM orders o WHERE o.id = {number(message, 'context', 'order_id')}",
        ),
        *(
            (
                f"kind = 'deadline' AND {text_(message, 'name')} LIKE '{prefix}'",
                f"SELECT x.{column} FROM {table} x WHERE x.id = {number(message, 'subject_id')}",
            )
            for prefix, table, column in DEADLINE_SUBJECTS
        ),
    ):
        op.execute(f"UPDATE outbox SET order_id = ({order_of}) WHERE order_id IS NULL AND {kinds}")
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
