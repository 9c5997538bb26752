"""The facts of the order conversation (M1) and intercept requests (S1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recourse.domain.order import Order
from recourse.services.ports.conversation import InterceptRequest, Message

# The order's conversation (M1) and intercept requests (S1).


@dataclass(frozen=True)
class MessagePosted:
    """M1: a participant wrote in the order's conversation (text and/or files)."""

    order: Order
    message: Message
    at: datetime


@dataclass(frozen=True)
class MessagesWaiting:
    """M1/M2: the digest — messages `recipient_id` has neither read nor been emailed about
    since their batch started (`message_ids`, oldest first)."""

    order: Order
    recipient_id: int
    message_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True)
class InterceptRequested:
    """S1: the buyer asks the sellers to stop a parcel going out."""

    order: Order
    request: InterceptRequest
    message: Message
    at: datetime


@dataclass(frozen=True)
class InterceptAnswered:
    """S1: a seller answered: the parcel was intercepted (it comes back), or it cannot be."""

    order: Order
    request: InterceptRequest
    message: Message
    at: datetime
