"""Rows of returns (R1-R5) and parcels coming back (S1, S2)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id

if TYPE_CHECKING:
    from recourse.db.models.refunds import RefundRow


class ReturnRow(Base):
    __tablename__ = "returns"
    __table_args__ = (
        Index("ix_returns_order_id_status", "order_id", "status"),
        Index("ix_returns_store_id_status_due_at", "store_id", "status", "due_at"),
        Index("ix_returns_order_id_request_key", "order_id", "request_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(24))
    fault: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    requested_by_role: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the caller's Idempotency-Key (scoped, hashed): a retry finds this return again
    request_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    respond_by: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_role: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(Id)
    return_address: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    offer_amount: Mapped[int | None] = mapped_column(BigInteger)
    offer_status: Mapped[str | None] = mapped_column(String(16))
    offer_answer_by: Mapped[datetime | None]
    ship_by: Mapped[datetime | None]
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    shipped_at: Mapped[datetime | None]
    return_shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    outbound_shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    delivered_at: Mapped[datetime | None]
    refund_by: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    condition: Mapped[str | None] = mapped_column(String(16))
    problem_note: Mapped[str | None] = mapped_column(Text)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    closed_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    lines: Mapped[list[ReturnLineRow]] = relationship(lazy="selectin")
    # never read: it tells the flush to write a new refund before the return naming it (a
    # refund takes its id in advance, db/ids.py)
    refund: Mapped[RefundRow | None] = relationship(lazy="raise")


class ReturnLineRow(Base):
    __tablename__ = "return_lines"
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    quantity: Mapped[int]
