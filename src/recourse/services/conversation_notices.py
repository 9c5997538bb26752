"""M1/M2: who hears of the order's conversation, and how.

A message: the other side in-app at once, by email in a digest (`conversation.digest`, one per
recipient and batch: the deadline's dedupe key names the recipient's emailed mark, so every
message until the digest fires shares it). An intercept request (S1) asks the sellers to act
and its answer tells the buyer the outcome: both emailed at once, never again in a digest.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from recourse.domain.order import Order
from recourse.domain.roles import Role
from recourse.services.events import (
    InterceptAnswered,
    InterceptRequested,
    MessagePosted,
    MessagesWaiting,
)
from recourse.services.notify import notify_store_staff, notify_user, queue_email
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork

DIGEST = "conversation.digest"
"""The deadline that emails a recipient the messages waiting for them (subject: a message of
their batch)."""


def recipients(uow: UnitOfWork, order: Order, author_role: str) -> list[tuple[int, Role]]:
    """The other side of a message: the buyer and/or every seller of the store (support's
    messages reach both)."""
    people: list[tuple[int, Role]] = []
    if author_role != Role.buyer:
        people.append((order.buyer_id, Role.buyer))
    if author_role != Role.seller:
        people.extend((sid, Role.seller) for sid in uow.users.staff_ids(order.store_id))
    return people


def page_link(order_id: int, role: Role) -> str:
    """The conversation page of the recipient's side."""
    prefix = "/seller" if role is Role.seller else ""
    return f"{prefix}/orders/{order_id}/messages"


def _schedule_digest(
    uow: UnitOfWork, order_id: int, user_id: int, message_id: int, now: datetime
) -> None:
    """One digest per recipient and batch: the key holds the emailed mark, which the digest
    moves when it fires, so the next message starts the next batch."""
    mark = uow.conversation.read_mark(order_id, user_id)
    due = now + timedelta(minutes=uow.platform.policy().message_digest_minutes)
    uow.outbox.add(
        "deadline",
        {"name": DIGEST, "subject_id": message_id, "due_at": due.isoformat()},
        available_at=due,
        dedupe_key=f"deadline:{DIGEST}:{order_id}:{user_id}:{mark.notified_upto_id}",
    )


def announce_message(uow: UnitOfWork, ctx: Context, e: MessagePosted) -> None:
    """M1: the other side in-app now, by email in the digest."""
    order, message = e.order, e.message
    for user_id, role in recipients(uow, order, message.author_role):
        notify_user(
            uow,
            user_id=user_id,
            kind="conversation.message",
            params={"order_id": order.id, "message_id": message.id, "author": message.author_role},
            order_id=order.id,
            link=page_link(order.id, role),
            now=e.at,
            dedupe_key=f"order_message:{message.id}:{user_id}",
        )
        _schedule_digest(uow, order.id, user_id, message.id, e.at)


def email_waiting(uow: UnitOfWork, ctx: Context, e: MessagesWaiting) -> None:
    """M2: one email with the messages the recipient has not read, oldest first."""
    order = e.order
    items: list[dict[str, Any]] = []
    role = Role.buyer if e.recipient_id == order.buyer_id else Role.seller
    for message_id in e.message_ids:
        message = uow.conversation.get_message(message_id)
        if message is not None:
            items.append(
                {
                    "author": message.author_role,
                    "body": message.body,
                    "created_at": message.created_at.isoformat(),
                }
            )
    queue_email(
        uow,
        template="conversation_digest",
        to_user_id=e.recipient_id,
        context={
            "order_id": order.id,
            "messages": items,
            "count": len(items),
            "link": page_link(order.id, role),
        },
        now=e.at,
        dedupe_key=f"conversation:{order.id}:{e.recipient_id}:digest:{e.message_ids[-1]}",
    )


def announce_intercept_requested(uow: UnitOfWork, ctx: Context, e: InterceptRequested) -> None:
    """S1: every seller of the store, in-app and by email at once: it asks them to act."""
    order, request = e.order, e.request
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind="conversation.intercept_requested",
        params={"order_id": order.id, "request_id": request.id},
        order_id=order.id,
        link=page_link(order.id, Role.seller),
        now=e.at,
        dedupe_key=f"intercept:{request.id}:requested",
        email_template="intercept_requested",
        email_context={"order_id": order.id, "note": e.message.body},
    )


def announce_intercept_answered(uow: UnitOfWork, ctx: Context, e: InterceptAnswered) -> None:
    """S1: the buyer, in-app and by email at once, hears whether the parcel was stopped."""
    order, request = e.order, e.request
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind=f"conversation.intercept_{request.status}",
        params={"order_id": order.id, "request_id": request.id},
        order_id=order.id,
        link=page_link(order.id, Role.buyer),
        now=e.at,
        dedupe_key=f"intercept:{request.id}:answered",
        email_template="intercept_answered",
        email_context={
            "order_id": order.id,
            "outcome": str(request.status),
            "note": request.note,
        },
    )
