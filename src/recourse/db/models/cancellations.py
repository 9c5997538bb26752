"""Rows of cancellations and the reason catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id

if TYPE_CHECKING:
    from recourse.db.models.refunds import RefundRow


class CancellationReasonRow(Base):
    __tablename__ = "cancellation_reasons"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(16))
    fault: Mapped[str] = mapped_column(String(16))
    requires_note: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)
    # C5/R1: where the reason is offered, and a return reason's category
    for_cancellation: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    for_return: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    category: Mapped[str | None] = mapped_column(String(24))


class CancellationRow(Base):
    __tablename__ = "cancellations"
    __table_args__ = (
        Index("ix_cancellations_order_status", "order_id", "status"),
        Index("ix_cancellations_status_respond_by", "status", "respond_by"),
        Index("ix_cancellations_order_request_key", "order_id", "request_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    initiator: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    fault: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    whole_order: Mapped[bool] = mapped_column(Boolean)
    requested_by_role: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None]
    respond_by: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_role: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None]
    rejection_reason: Mapped[str | None] = mapped_column(String(64))
    rejection_note: Mapped[str | None] = mapped_column(Text)
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    # the caller's Idempotency-Key (scoped, hashed): a retry finds this cancellation again
    request_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    lines: Mapped[list[CancellationLineRow]] = relationship(lazy="selectin")
    # never read: it tells the flush to write a refund before the cancellation naming it,
    # when both are new in one flush (a batch of deadlines gives refunds ids in advance)
    refund: Mapped[RefundRow | None] = relationship(lazy="raise")


class CancellationLineRow(Base):
    __tablename__ = "cancellation_lines"
    cancellation_id: Mapped[int] = mapped_column(ForeignKey("cancellations.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    quantity: Mapped[int]
