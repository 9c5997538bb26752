"""Rows of disputes (D1-D7): the case, its proposals and support's requests for information."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id

if TYPE_CHECKING:
    from recourse.db.models.cancellations import CancellationRow
    from recourse.db.models.refunds import RefundRow


class DisputeRow(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_open_order_id", "open_order_id", unique=True),
        Index("ix_disputes_order_id", "order_id"),
        Index("ix_disputes_status_due_at", "status", "due_at"),
        Index("ix_disputes_store_id_status", "store_id", "status"),
        Index("ix_disputes_assignee_id_status", "assignee_id", "status"),
        Index("ix_disputes_order_id_request_key", "order_id", "request_key", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    wanted: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime]
    # the order's id while the dispute is open, NULL after: unique, so one open case per order
    open_order_id: Mapped[int | None] = mapped_column(Id)
    # the caller's Idempotency-Key (scoped, hashed): a retry finds this dispute again
    request_key: Mapped[str | None] = mapped_column(String(64))
    cancellation_id: Mapped[int | None] = mapped_column(ForeignKey("cancellations.id"))
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    respond_by: Mapped[datetime | None]
    escalate_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalated_by: Mapped[str | None] = mapped_column(String(16))
    sla_due_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(24))
    decided_amount: Mapped[int | None] = mapped_column(BigInteger)
    rationale: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(Id)
    decided_at: Mapped[datetime | None]
    charged_to_store: Mapped[bool | None] = mapped_column(Boolean)
    appeal_by: Mapped[datetime | None]
    appealed_by: Mapped[str | None] = mapped_column(String(16))
    appealed_at: Mapped[datetime | None]
    appeal_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_outcome: Mapped[str | None] = mapped_column(String(24))
    appeal_decided_amount: Mapped[int | None] = mapped_column(BigInteger)
    appeal_rationale: Mapped[str | None] = mapped_column(Text)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(Id)
    appeal_decided_at: Mapped[datetime | None]
    appeal_charged_to_store: Mapped[bool | None] = mapped_column(Boolean)
    resolution: Mapped[str | None] = mapped_column(String(24))
    resolved_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    proposals: Mapped[list[DisputeProposalRow]] = relationship(
        lazy="selectin", order_by="DisputeProposalRow.id"
    )
    info_requests: Mapped[list[DisputeInfoRequestRow]] = relationship(
        lazy="selectin", order_by="DisputeInfoRequestRow.id"
    )
    # never read: they tell the flush to write a new cancellation or refund before the
    # dispute naming it (both take their ids in advance, db/ids.py)
    cancellation: Mapped[CancellationRow | None] = relationship(lazy="raise")
    refund: Mapped[RefundRow | None] = relationship(lazy="raise")


class DisputeProposalRow(Base):
    __tablename__ = "dispute_proposals"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    party: Mapped[str] = mapped_column(String(16))
    wanted: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class DisputeInfoRequestRow(Base):
    __tablename__ = "dispute_info_requests"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    party: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
