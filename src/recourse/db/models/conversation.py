"""M1/S1 the order's conversation: its messages, what each participant read and was emailed,
and the buyer's requests to stop a parcel (migration 0015)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id
from recourse.db.types import UTCDateTime


class OrderMessageRow(Base):
    __tablename__ = "order_messages"
    __table_args__ = (Index("ix_order_messages_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"))
    author_id: Mapped[int | None] = mapped_column(Id, ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationReadRow(Base):
    __tablename__ = "conversation_reads"

    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    notified_upto_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class InterceptRequestRow(Base):
    __tablename__ = "intercept_requests"
    __table_args__ = (Index("ix_intercept_requests_order_id_status", "order_id", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Id, ForeignKey("orders.id"))
    request_message_id: Mapped[int] = mapped_column(Id, ForeignKey("order_messages.id"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The seller's note with the answer (the buyer's note is the request message's body)."""
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(Id, ForeignKey("users.id"))
    answer_message_id: Mapped[int | None] = mapped_column(Id, ForeignKey("order_messages.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
