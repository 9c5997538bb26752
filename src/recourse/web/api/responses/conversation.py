"""M1/S1: the order's conversation as the API answers it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recourse.db.queries.conversation import InterceptView, MessageView
from recourse.db.queries.evidence import FileView
from recourse.web.api.responses.common import Moment, ResponseBody


class MessageFile(ResponseBody):
    id: int
    name: str = Field(description="the sender's file name, cleaned, for display only")
    media_type: str
    url: str = Field(description="where the order's parties and support fetch it")

    @classmethod
    def of(cls, f: FileView) -> MessageFile:
        return cls(id=f.id, name=f.name, media_type=f.media_type, url=f.url)


class OrderMessage(ResponseBody):
    """One message: text (`body`, empty when only files were sent), a request to stop a
    parcel (`intercept_request`, body = the buyer's note) or the seller's answer to one
    (`intercept_answer`, body = the seller's note)."""

    id: int
    order_id: int
    author_role: Literal["buyer", "seller", "support"]
    author_name: str | None
    kind: Literal["text", "intercept_request", "intercept_answer"]
    body: str
    files: list[MessageFile]
    created_at: Moment

    @classmethod
    def of(cls, m: MessageView) -> OrderMessage:
        return cls(
            id=m.id,
            order_id=m.order_id,
            author_role=m.author_role,
            author_name=m.author_name,
            kind=m.kind,
            body=m.body,
            files=[MessageFile.of(f) for f in m.files],
            created_at=m.created_at,
        )


class InterceptRequest(ResponseBody):
    """S1: the buyer's request to stop a parcel and, once answered, the seller's outcome."""

    id: int
    order_id: int
    status: Literal["requested", "intercepted", "cannot"]
    note: str = Field(description="the seller's note with the answer (empty until then)")
    request_message_id: int
    answer_message_id: int | None
    created_at: Moment
    answered_at: Moment | None

    @classmethod
    def of(cls, i: InterceptView) -> InterceptRequest:
        return cls(
            id=i.id,
            order_id=i.order_id,
            status=i.status,
            note=i.note,
            request_message_id=i.request_message_id,
            answer_message_id=i.answer_message_id,
            created_at=i.created_at,
            answered_at=i.answered_at,
        )


class Conversation(ResponseBody):
    """A page of the conversation, oldest first; `next_cursor` fetches the messages after
    it. `unread`: what the other side wrote after the caller's read mark; `intercept`: the
    request waiting for the seller's answer, if any."""

    order_id: int
    data: list[OrderMessage]
    next_cursor: int | None
    unread: int
    last_read_id: int
    intercept: InterceptRequest | None


class ReadMark(ResponseBody):
    order_id: int
    last_read_id: int = Field(description="the caller's read mark now (it never moves back)")
    unread: int
