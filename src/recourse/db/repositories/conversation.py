"""Repository of the order conversation (M1) and intercept requests (S1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db.models.conversation import (
    ConversationReadRow,
    InterceptRequestRow,
    OrderMessageRow,
)
from recourse.db.models.shipments import ShipmentRow
from recourse.db.repositories.writes import note_order
from recourse.domain.conversation import InterceptStatus, MessageKind
from recourse.domain.shipment import ShipmentStatus
from recourse.services.ports.conversation import InterceptRequest, Message, NewMessage, ReadMark


def _message(row: OrderMessageRow) -> Message:
    return Message(
        id=row.id,
        order_id=row.order_id,
        author_id=row.author_id,
        author_role=row.author_role,
        kind=MessageKind(row.kind),
        body=row.body,
        created_at=row.created_at,
    )


def _intercept(row: InterceptRequestRow) -> InterceptRequest:
    return InterceptRequest(
        id=row.id,
        order_id=row.order_id,
        request_message_id=row.request_message_id,
        status=InterceptStatus(row.status),
        note=row.note,
        created_at=row.created_at,
        answered_at=row.answered_at,
        answered_by_id=row.answered_by_id,
        answer_message_id=row.answer_message_id,
    )


class SqlConversation:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add_message(self, message: NewMessage) -> int:
        row = OrderMessageRow(
            order_id=message.order_id,
            author_id=message.author_id,
            author_role=message.author_role,
            kind=str(message.kind),
            body=message.body,
            created_at=message.at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, message.order_id)
        return row.id

    def get_message(self, message_id: int) -> Message | None:
        row = self.s.get(OrderMessageRow, message_id)
        return _message(row) if row is not None else None

    def messages_after(self, order_id: int, after_id: int) -> Sequence[Message]:
        rows = self.s.scalars(
            select(OrderMessageRow)
            .where(OrderMessageRow.order_id == order_id, OrderMessageRow.id > after_id)
            .order_by(OrderMessageRow.id)
        )
        return [_message(r) for r in rows]

    def last_message_id(self, order_id: int) -> int:
        value = self.s.scalar(
            select(func.max(OrderMessageRow.id)).where(OrderMessageRow.order_id == order_id)
        )
        return int(value or 0)

    def _read_row(self, order_id: int, user_id: int) -> ConversationReadRow:
        row = self.s.get(ConversationReadRow, (order_id, user_id))
        if row is None:
            row = ConversationReadRow(
                order_id=order_id, user_id=user_id, last_read_id=0, notified_upto_id=0
            )
            self.s.add(row)
            self.s.flush()
        return row

    def read_mark(self, order_id: int, user_id: int) -> ReadMark:
        row = self.s.get(ConversationReadRow, (order_id, user_id))
        if row is None:
            return ReadMark()
        return ReadMark(row.last_read_id, row.notified_upto_id)

    def mark_read(self, order_id: int, user_id: int, up_to: int) -> int:
        row = self._read_row(order_id, user_id)
        row.last_read_id = max(row.last_read_id, up_to)
        self.s.flush()
        return row.last_read_id

    def mark_notified(self, order_id: int, user_id: int, up_to: int) -> None:
        row = self._read_row(order_id, user_id)
        row.notified_upto_id = max(row.notified_upto_id, up_to)
        self.s.flush()

    def outbound_parcels(self, order_id: int) -> Sequence[tuple[int, ShipmentStatus]]:
        rows = self.s.execute(
            select(ShipmentRow.id, ShipmentRow.status)
            .where(ShipmentRow.order_id == order_id, ShipmentRow.direction == "outbound")
            .order_by(ShipmentRow.id)
        )
        return [(sid, ShipmentStatus(status)) for sid, status in rows]

    def add_intercept(self, order_id: int, request_message_id: int, at: datetime) -> int:
        row = InterceptRequestRow(
            order_id=order_id,
            request_message_id=request_message_id,
            status=str(InterceptStatus.requested),
            note="",
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, order_id)
        return row.id

    def get_intercept(
        self, request_id: int, *, for_update: bool = False
    ) -> InterceptRequest | None:
        stmt = select(InterceptRequestRow).where(InterceptRequestRow.id == request_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.s.scalar(stmt)
        return _intercept(row) if row is not None else None

    def waiting_intercept(self, order_id: int) -> InterceptRequest | None:
        row = self.s.scalar(
            select(InterceptRequestRow)
            .where(
                InterceptRequestRow.order_id == order_id,
                InterceptRequestRow.status == str(InterceptStatus.requested),
            )
            .order_by(InterceptRequestRow.id.desc())
            .limit(1)
        )
        return _intercept(row) if row is not None else None

    def answer_intercept(
        self,
        request_id: int,
        *,
        status: InterceptStatus,
        note: str,
        by: int,
        at: datetime,
        answer_message_id: int,
    ) -> None:
        row = self.s.get(InterceptRequestRow, request_id)
        assert row is not None
        row.status = str(status)
        row.note = note
        row.answered_by_id = by
        row.answered_at = at
        row.answer_message_id = answer_message_id
        self.s.flush()
