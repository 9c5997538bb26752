"""M1/S1 the order's conversation: messages, read marks and intercept requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.conversation import InterceptStatus, MessageKind, MessageMark
from recourse.domain.shipment import ShipmentStatus


@dataclass(frozen=True, slots=True)
class NewMessage:
    order_id: int
    author_id: int | None
    author_role: str
    kind: MessageKind
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    order_id: int
    author_id: int | None
    author_role: str
    kind: MessageKind
    body: str
    created_at: datetime

    @property
    def mark(self) -> MessageMark:
        return MessageMark(self.id, self.author_role, str(self.kind))


@dataclass(frozen=True, slots=True)
class ReadMark:
    """Up to which message a participant read, and up to which an email told them."""

    last_read_id: int = 0
    notified_upto_id: int = 0


@dataclass(frozen=True, slots=True)
class InterceptRequest:
    id: int
    order_id: int
    request_message_id: int
    status: InterceptStatus
    note: str
    created_at: datetime
    answered_at: datetime | None = None
    answered_by_id: int | None = None
    answer_message_id: int | None = None


class Conversation(Protocol):
    def add_message(self, message: NewMessage) -> int: ...
    def get_message(self, message_id: int) -> Message | None: ...
    def messages_after(self, order_id: int, after_id: int) -> Sequence[Message]:
        """The order's messages with an id above `after_id`, oldest first."""
        ...

    def last_message_id(self, order_id: int) -> int:
        """0 when the conversation is empty."""
        ...

    def read_mark(self, order_id: int, user_id: int) -> ReadMark: ...
    def mark_read(self, order_id: int, user_id: int, up_to: int) -> int:
        """Move the read mark forward to `up_to` (never back); returns the mark now stored."""
        ...

    def mark_notified(self, order_id: int, user_id: int, up_to: int) -> None:
        """Move the emailed mark forward to `up_to` (never back)."""
        ...

    def outbound_parcels(self, order_id: int) -> Sequence[tuple[int, ShipmentStatus]]:
        """The seller's parcels of the order (id, status), oldest first."""
        ...

    def add_intercept(self, order_id: int, request_message_id: int, at: datetime) -> int: ...
    def get_intercept(
        self, request_id: int, *, for_update: bool = False
    ) -> InterceptRequest | None: ...
    def waiting_intercept(self, order_id: int) -> InterceptRequest | None: ...
    def answer_intercept(
        self,
        request_id: int,
        *,
        status: InterceptStatus,
        note: str,
        by: int,
        at: datetime,
        answer_message_id: int,
    ) -> None: ...
