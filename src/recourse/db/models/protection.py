"""§2 buyer protection: the extensions a buyer asked the seller for (migration 0013)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id
from recourse.db.types import UTCDateTime


class ProtectionExtensionRow(Base):
    __tablename__ = "protection_extensions"
    __table_args__ = (Index("ix_protection_extensions_order_id_status", "order_id", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"))
    requested_by_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id"))
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(Id, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
