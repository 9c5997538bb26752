"""H2 "Contact support": a ticket a buyer or a seller opened about one order (migration 0012)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id
from recourse.db.types import UTCDateTime


class SupportTicketRow(Base):
    __tablename__ = "support_tickets"
    __table_args__ = (Index("ix_support_tickets_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id"))
    opener_role: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    closed_by_id: Mapped[int | None] = mapped_column(Id, ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
