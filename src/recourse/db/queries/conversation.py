"""Reads of the order conversation (M1) and intercept requests (S1): the thread oldest first
(a page of it after a cursor), with authors' names and attached files; unread counts for one
order or, in one grouped query, for a list of orders; the request waiting for the seller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from recourse.db.models.accounts import UserRow
from recourse.db.models.conversation import (
    ConversationReadRow,
    InterceptRequestRow,
    OrderMessageRow,
)
from recourse.db.queries.evidence import FileView, files_of

SUBJECT = "message"


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    order_id: int
    author_id: int | None
    author_role: str
    author_name: str | None
    kind: str
    body: str
    created_at: datetime
    files: list[FileView]


@dataclass(frozen=True, slots=True)
class InterceptView:
    id: int
    order_id: int
    status: str
    note: str
    request_message_id: int
    answer_message_id: int | None
    created_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ThreadView:
    order_id: int
    messages: list[MessageView]
    next_cursor: int | None
    """The id to ask for the next page with (messages after it), when there are more."""
    intercepts: dict[int, InterceptView]
    """Every intercept request of the order, by the id of the message that asked it."""

    @property
    def waiting(self) -> InterceptView | None:
        return next((i for i in self.intercepts.values() if i.status == "requested"), None)


def _intercept(row: InterceptRequestRow) -> InterceptView:
    return InterceptView(
        id=row.id,
        order_id=row.order_id,
        status=row.status,
        note=row.note,
        request_message_id=row.request_message_id,
        answer_message_id=row.answer_message_id,
        created_at=row.created_at,
        answered_at=row.answered_at,
    )


def thread(
    session: Session,
    order_id: int,
    *,
    after: int | None = None,
    limit: int | None = None,
    api: bool = False,
) -> ThreadView:
    """The conversation oldest first: all of it, or `limit` messages after message `after`."""
    stmt = (
        select(OrderMessageRow, UserRow.name)
        .outerjoin(UserRow, UserRow.id == OrderMessageRow.author_id)
        .where(OrderMessageRow.order_id == order_id)
        .order_by(OrderMessageRow.id)
    )
    if after is not None:
        stmt = stmt.where(OrderMessageRow.id > after)
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    rows = [(r, name) for r, name in session.execute(stmt).all()]
    more = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]
    files = files_of(session, SUBJECT, [r.id for r, _ in rows], api=api)
    messages = [
        MessageView(
            id=r.id,
            order_id=r.order_id,
            author_id=r.author_id,
            author_role=r.author_role,
            author_name=name,
            kind=r.kind,
            body=r.body,
            created_at=r.created_at,
            files=files.get(r.id, []),
        )
        for r, name in rows
    ]
    return ThreadView(
        order_id=order_id,
        messages=messages,
        next_cursor=messages[-1].id if more and messages else None,
        intercepts=intercepts(session, order_id),
    )


def intercepts(session: Session, order_id: int) -> dict[int, InterceptView]:
    rows = session.scalars(
        select(InterceptRequestRow)
        .where(InterceptRequestRow.order_id == order_id)
        .order_by(InterceptRequestRow.id)
    )
    return {row.request_message_id: _intercept(row) for row in rows}


def waiting_intercept(session: Session, order_id: int) -> InterceptView | None:
    row = session.scalar(
        select(InterceptRequestRow)
        .where(
            InterceptRequestRow.order_id == order_id,
            InterceptRequestRow.status == "requested",
        )
        .order_by(InterceptRequestRow.id.desc())
        .limit(1)
    )
    return _intercept(row) if row is not None else None


def last_read(session: Session, order_id: int, user_id: int) -> int:
    value = session.scalar(
        select(ConversationReadRow.last_read_id).where(
            ConversationReadRow.order_id == order_id, ConversationReadRow.user_id == user_id
        )
    )
    return int(value or 0)


def last_message_id(session: Session, order_id: int) -> int:
    value = session.scalar(
        select(func.max(OrderMessageRow.id)).where(OrderMessageRow.order_id == order_id)
    )
    return int(value or 0)


def unread_counts(
    session: Session, order_ids: Iterable[int], *, user_id: int, role: str
) -> dict[int, int]:
    """M1: per order, the messages the other side wrote after what `user_id` read (orders
    with none are absent). One grouped query, for lists of orders."""
    wanted = list(dict.fromkeys(order_ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(OrderMessageRow.order_id, func.count(OrderMessageRow.id))
        .outerjoin(
            ConversationReadRow,
            and_(
                ConversationReadRow.order_id == OrderMessageRow.order_id,
                ConversationReadRow.user_id == user_id,
            ),
        )
        .where(
            OrderMessageRow.order_id.in_(wanted),
            OrderMessageRow.author_role != str(role),
            OrderMessageRow.id > func.coalesce(ConversationReadRow.last_read_id, 0),
        )
        .group_by(OrderMessageRow.order_id)
    )
    return {order_id: int(count) for order_id, count in rows}


def unread_count(session: Session, order_id: int, *, user_id: int, role: str) -> int:
    return unread_counts(session, [order_id], user_id=user_id, role=role).get(order_id, 0)
