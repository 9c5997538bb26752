"""Rows of the refund ledger, the settlement profiles and the sandbox gateway's state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id


class RefundRow(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        Index("ix_refunds_status_next", "status", "next_attempt_at"),
        Index("ix_refunds_gateway_reference", "gateway", "gateway_reference"),
        Index("ix_refunds_needs_attention", "needs_attention"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    cause: Mapped[str] = mapped_column(String(32))
    cause_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    items: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    shipping: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_role: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None]
    gateway: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    gateway_reference: Mapped[str | None] = mapped_column(String(100))
    trace_number: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    needs_attention: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[datetime | None]
    expected_earliest: Mapped[date]
    expected_latest: Mapped[date]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    succeeded_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    lines: Mapped[list[RefundLineRow]] = relationship(lazy="selectin")


class RefundLineRow(Base):
    __tablename__ = "refund_lines"
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    quantity: Mapped[int]
    items: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)


class RefundAttemptRow(Base):
    """F3-F5: one answer of the gateway about a refund (`answer`, to a send or a look-up) or
    one failed send (`failure`), as it came; the refund row keeps only the latest."""

    __tablename__ = "refund_attempts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(100))
    trace_number: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)


class SettlementProfileRow(Base):
    __tablename__ = "settlement_profiles"
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    min_business_days: Mapped[int]
    max_business_days: Mapped[int]


class SandboxRefundRow(Base):
    """The built-in sandbox gateway's own book (stands in for a provider's database)."""

    __tablename__ = "sandbox_refunds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    trace_number: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    settle_at: Mapped[datetime]
    calls: Mapped[int] = mapped_column(default=1)


class SandboxSettingRow(Base):
    """How the sandbox misbehaves: fail the next N refund calls, or always."""

    __tablename__ = "sandbox_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fail_next: Mapped[int] = mapped_column(default=0)
    fail_always: Mapped[bool] = mapped_column(Boolean, default=False)
    decline_always: Mapped[bool] = mapped_column(Boolean, default=False)
    settle_seconds: Mapped[int] = mapped_column(default=3600)
