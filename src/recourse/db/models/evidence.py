"""SPEC T6: evidence files a party uploaded for an order (migration 0014)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id
from recourse.db.types import UTCDateTime


class EvidenceFileRow(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (
        Index("ix_evidence_files_subject_subject_id", "subject", "subject_id"),
        Index("ix_evidence_files_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"))
    uploaded_by_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id"))
    uploaded_by_role: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(16))
    subject_id: Mapped[int | None] = mapped_column(Id)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
