"""M1/S1 (§12): the order's conversation — read it (the parties and support), write in it (the
buyer and the store's sellers; support once a dispute is escalated), mark it read; the buyer
asks to stop a parcel still going out, a seller answers once. Someone else's order is not
found; the operator's token is refused."""

from __future__ import annotations

from typing import Literal

from fastapi import status
from pydantic import ConfigDict, Field

from recourse.db.queries import conversation as q
from recourse.domain.conversation import BODY_MAX, NOTE_MAX
from recourse.domain.errors import NotFound
from recourse.domain.evidence import EvidenceLimits
from recourse.services import conversation
from recourse.web.api.fields import BodyId, Id, Prose, Whole, filled_in
from recourse.web.api.responses.conversation import (
    Conversation,
    InterceptRequest,
    OrderMessage,
    ReadMark,
)
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, ReadSession
from recourse.web.routers import api_router

router = api_router("messages")


class MessageIn(Strict):
    """Text that says something, or files, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                filled_in("body"),
                {"required": ["file_ids"], "properties": {"file_ids": {"minItems": 1}}},
            ]
        },
    )

    body: Prose = Field(
        default="",
        max_length=2 * BODY_MAX,
        description=f"1 to {BODY_MAX} characters once trimmed, or empty with `file_ids`",
    )
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=EvidenceLimits().max_files,
        description="files the caller uploaded to this order (POST /orders/{id}/files)",
    )


class ReadIn(Strict):
    up_to: Whole = Field(ge=0, description="the id of the last message read")


class InterceptIn(Strict):
    note: Prose | None = Field(default=None, max_length=2 * NOTE_MAX)


class AnswerIn(Strict):
    outcome: Literal["intercepted", "cannot"]
    note: Prose | None = Field(default=None, max_length=2 * NOTE_MAX)


def _message(s: ReadSession, order_id: int, message_id: int) -> OrderMessage:
    found = q.thread(s, order_id, after=message_id - 1, limit=1, api=True).messages
    if not found or found[0].id != message_id:
        raise NotFound("order.no_such")
    return OrderMessage.of(found[0])


def _intercept(s: ReadSession, order_id: int, request_id: int) -> InterceptRequest:
    found = next((i for i in q.intercepts(s, order_id).values() if i.id == request_id), None)
    if found is None:
        raise NotFound("conversation.no_such_intercept", request_id=request_id)
    return InterceptRequest.of(found)


@router.get("/orders/{order_id}/messages")
def read_conversation(
    order_id: Id,
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
    cursor: Id | None = None,
    limit: int = 50,
) -> Conversation:
    """Oldest first, `limit` (1..100) at a time after `cursor`. Reading does not move the
    read mark: POST `.../messages/read` does."""
    who = conversation.reader(c.uow(), c.ctx, actor=actor, order_id=order_id)
    page = q.thread(s, order_id, after=cursor, limit=max(1, min(limit, 100)), api=True)
    last_read = q.last_read(s, order_id, who.user_id) if who.user_id is not None else 0
    unread = (
        q.unread_count(s, order_id, user_id=who.user_id, role=str(who.role))
        if who.user_id is not None
        else 0
    )
    waiting = page.waiting
    return Conversation(
        order_id=order_id,
        data=[OrderMessage.of(m) for m in page.messages],
        next_cursor=page.next_cursor,
        unread=unread,
        last_read_id=last_read,
        intercept=InterceptRequest.of(waiting) if waiting is not None else None,
    )


@router.post("/orders/{order_id}/messages", status_code=status.HTTP_201_CREATED)
def post_message(
    order_id: Id, body: MessageIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> OrderMessage:
    """Write in the conversation; files are uploaded first and named here. With an
    Idempotency-Key, a retry after a lost answer returns the same message."""
    posted = conversation.post_message(
        c.uow(), c.ctx, actor=actor, order_id=order_id, body=body.body, file_ids=body.file_ids
    )
    return _message(s, order_id, posted.message_id)


@router.post("/orders/{order_id}/messages/read")
def mark_read(
    order_id: Id, body: ReadIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> ReadMark:
    """The caller has read up to message `up_to` (a later id counts as the last message)."""
    mark = conversation.mark_read(c.uow(), c.ctx, actor=actor, order_id=order_id, up_to=body.up_to)
    unread = 0
    if actor.user_id is not None:
        unread = q.unread_count(s, order_id, user_id=actor.user_id, role=str(actor.role))
    return ReadMark(order_id=order_id, last_read_id=mark, unread=unread)


@router.post("/orders/{order_id}/intercept", status_code=status.HTTP_201_CREATED)
def request_intercept(
    order_id: Id, body: InterceptIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> InterceptRequest:
    """S1, the buyer: while a parcel is still going out (409 `intercept_nothing_shipped`,
    `intercept_nothing_going_out`, or `intercept_waiting` with the waiting `request_id`)."""
    asked = conversation.request_intercept(
        c.uow(), c.ctx, actor=actor, order_id=order_id, note=body.note
    )
    return _intercept(s, order_id, asked.request_id)


@router.post("/orders/{order_id}/intercept/{request_id}/answer")
def answer_intercept(
    order_id: Id,
    request_id: Id,
    body: AnswerIn,
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
) -> InterceptRequest:
    """S1, a seller of the store, once: `intercepted` (the order then waits for the parcel to
    come back) or `cannot`."""
    conversation.answer_intercept(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        request_id=request_id,
        outcome=body.outcome,
        note=body.note,
    )
    return _intercept(s, order_id, request_id)
