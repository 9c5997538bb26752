"""Rows of orders: the order, its lines, its timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("store_id", "external_id"),
        # support's search by marketplace reference, in any store
        Index("ix_orders_external_id", "external_id"),
        Index("ix_orders_buyer_status_id", "buyer_id", "status", "id"),
        Index("ix_orders_store_status_id", "store_id", "status", "id"),
        Index("ix_orders_status_id", "status", "id"),
        # Orders whose status the clock has moved on before the worker wrote it (tab counts).
        *(
            Index(
                f"ix_orders_{owner}_{column}",
                f"{owner}_id",
                column,
                postgresql_where=text(where),
                sqlite_where=text(where),
            )
            for owner in ("buyer", "store")
            for column, where in (
                ("protection_ends_at", "status IN ('shipped', 'delivered')"),
                ("pay_by", "status = 'awaiting_payment'"),
            )
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str] = mapped_column(String(2))
    shipping_fee: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    payment_method: Mapped[str] = mapped_column(String(20))
    payment_status: Mapped[str] = mapped_column(String(16))
    amount_captured: Mapped[int] = mapped_column(BigInteger, default=0)
    captured_at: Mapped[datetime | None]
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    review_started_at: Mapped[datetime | None]
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("store_policies.id"))
    pay_by: Mapped[datetime | None]
    review_until: Mapped[datetime | None]
    ship_by: Mapped[datetime | None]
    protection_ends_at: Mapped[datetime | None]
    first_shipped_at: Mapped[datetime | None]
    receipt_confirmed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    status_changed_at: Mapped[datetime]
    created_at: Mapped[datetime]
    lines: Mapped[list[OrderLineRow]] = relationship(
        lazy="selectin", order_by="OrderLineRow.position"
    )


class StoreStatusCountRow(Base):
    """How many orders a store has per stored status, kept by the write that changes
    `orders.status` (order creation, `set_status`), in the same transaction: the seller's tab
    counts read a few of these rows instead of counting the store's orders. Each store's count
    is split over `STATUS_COUNT_SLOTS` rows (by order id) so that concurrent writes to one
    big store rarely wait for the same row."""

    __tablename__ = "store_status_counts"
    store_id: Mapped[int] = mapped_column(Id, ForeignKey("stores.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(BigInteger)


STATUS_COUNT_SLOTS = 16


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int]
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    qty_cancelled: Mapped[int] = mapped_column(default=0)
    qty_shipped: Mapped[int] = mapped_column(default=0)
    qty_delivered: Mapped[int] = mapped_column(default=0)
    qty_returned: Mapped[int] = mapped_column(default=0)
    qty_refunded: Mapped[int] = mapped_column(default=0)


class TimelineRow(Base):
    __tablename__ = "timeline_entries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime]
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None]
    visible_to_buyer: Mapped[bool] = mapped_column(Boolean, default=True)
    visible_to_seller: Mapped[bool] = mapped_column(Boolean, default=True)
