"""M1 the order's conversation and S1 asking the seller to stop a parcel.

Each step settles the order's passed deadlines first (§10) and locks the order, so messages,
read marks and digests of one conversation are written one after another. A new message tells
the other side in-app at once and schedules one `conversation.digest` per recipient; many
messages in a row share it (the deadline's dedupe key names the recipient's emailed mark), and
when it fires the recipient is emailed what they have neither read nor been told of. Intercept
requests and answers are emailed at once instead, and never again in a digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from recourse.domain.conversation import (
    GOING_OUT,
    InterceptStatus,
    MessageKind,
    check_can_post,
    check_can_read,
    check_can_request_intercept,
    check_is_buyer,
    check_is_seller,
    clean_body,
    clean_note,
    digest_ids,
    intercept_transition,
    parse_outcome,
    poster_role,
)
from recourse.domain.disputes import SUPPORT_STATUSES
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.order import Order
from recourse.domain.returns import ReturnKind
from recourse.domain.roles import Actor, Role
from recourse.services import evidence
from recourse.services.conversation_notices import recipients
from recourse.services.events import (
    Happened,
    InterceptAnswered,
    InterceptRequested,
    MessagePosted,
    MessagesWaiting,
)
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.conversation import InterceptRequest, Message, NewMessage
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.parcels import open_parcel_return
from recourse.services.settle import settle_due

SUBJECT = "message"
"""What evidence files attached to a message are attached to."""


@dataclass(frozen=True, slots=True)
class Posted:
    message_id: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Intercept:
    request_id: int
    message_id: int
    status: InterceptStatus
    return_id: int | None = None


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the conversation: their side, and whether they may write in it now."""

    order_id: int
    user_id: int | None
    role: Role
    may_post: bool


def reader(uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int) -> Reader:
    """M1: the order's buyer, its store's sellers and support read the conversation (after the
    order's passed deadlines are settled); anyone who may not see the order gets 404, the
    operator's token 403."""
    settle_due(uow, ctx, order_id=order_id)
    with uow:
        order = load_order(uow, actor, order_id)
        check_can_read(actor, buyer_id=order.buyer_id, store_id=order.store_id)
        role = poster_role(
            actor,
            buyer_id=order.buyer_id,
            store_id=order.store_id,
            support_joined=support_joined(uow, order),
        )
    return Reader(order.id, actor.user_id, role or actor.role, role is not None)


def _record(uow: UnitOfWork, ctx: Context, event: Happened) -> None:
    """STYLE 10: what happened, to its subscribers (imported here, as the other use cases do:
    the table reaches packages that import the modules this one imports)."""
    from recourse.services import subscribers

    subscribers.record(uow, ctx, event)


def support_joined(uow: UnitOfWork, order: Order) -> bool:
    """M1/D5: support takes part while a dispute on the order is escalated, decided (its appeal
    window running) or appealed; otherwise support reads only."""
    return any(d.status in SUPPORT_STATUSES for d in uow.disputes.for_order(order.id))


def author_role(uow: UnitOfWork, actor: Actor, order: Order) -> Role:
    """The side the actor writes as, or NotAllowed (support reads only, others not at all)."""
    return check_can_post(
        actor,
        buyer_id=order.buyer_id,
        store_id=order.store_id,
        support_joined=support_joined(uow, order),
    )


def _load(uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
    """The order if the actor may read its conversation: a party or support. Someone who may
    not see the order gets 404; the operator's token, which sees orders, gets 403."""
    order = load_order(uow, actor, order_id, for_update=True)
    check_can_read(actor, buyer_id=order.buyer_id, store_id=order.store_id)
    return order


def _write(
    uow: UnitOfWork,
    order: Order,
    actor: Actor,
    role: Role,
    kind: MessageKind,
    body: str,
    now: datetime,
) -> Message:
    message_id = uow.conversation.add_message(
        NewMessage(order.id, actor.user_id, str(role), kind, body, now)
    )
    if actor.user_id is not None:
        # Whoever writes has read everything up to their own message.
        uow.conversation.mark_read(order.id, actor.user_id, message_id)
    message = uow.conversation.get_message(message_id)
    assert message is not None
    return message


def post_message(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    body: str,
    file_ids: Sequence[int] = (),
) -> Posted:
    """M1: the buyer or a seller of the store writes in the order's conversation (support once
    a dispute is escalated): text of 1..4,000 characters, or files uploaded first
    (`evidence.upload`) and attached here, or both."""
    ids = list(dict.fromkeys(file_ids))
    text = clean_body(body, has_files=bool(ids))
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = _load(uow, actor, order_id)
        role = author_role(uow, actor, order)
        message = _write(uow, order, actor, role, MessageKind.text, text, now)
        if ids:
            assert actor.user_id is not None
            evidence.attach(
                uow,
                order_id=order.id,
                uploader_id=actor.user_id,
                file_ids=ids,
                subject=SUBJECT,
                subject_id=message.id,
                now=now,
            )
        _record(uow, ctx, MessagePosted(order=order, message=message, at=now))
        uow.commit()
    return Posted(message.id, now)


def mark_read(uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, up_to: int) -> int:
    """M1: the reader has seen the conversation up to message `up_to` (a later message than
    the last one counts as the last one; the mark never moves back). Returns the mark."""
    if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to < 0:
        raise InvalidInput("up_to", "conversation.up_to_invalid")
    with uow:
        order = _load(uow, actor, order_id)
        if actor.user_id is None:
            return 0
        last = uow.conversation.last_message_id(order.id)
        mark = uow.conversation.mark_read(order.id, actor.user_id, min(up_to, last))
        uow.commit()
    return mark


def request_intercept(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, note: str | None = None
) -> Intercept:
    """S1: the buyer asks the sellers to stop a parcel still going out (`shipped` or
    `in_transit`); one request waits at a time. Written in the conversation as a structured
    message whose body is the buyer's note."""
    text = clean_note(note)
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = _load(uow, actor, order_id)
        check_is_buyer(actor, buyer_id=order.buyer_id)
        waiting = uow.conversation.waiting_intercept(order.id)
        parcels = uow.conversation.outbound_parcels(order.id)
        check_can_request_intercept(
            [status for _, status in parcels],
            waiting_request=waiting.id if waiting is not None else None,
        )
        message = _write(uow, order, actor, Role.buyer, MessageKind.intercept_request, text, now)
        request_id = uow.conversation.add_intercept(order.id, message.id, now)
        request = uow.conversation.get_intercept(request_id)
        assert request is not None
        _record(uow, ctx, InterceptRequested(order=order, request=request, message=message, at=now))
        uow.commit()
    return Intercept(request_id, message.id, InterceptStatus.requested)


def answer_intercept(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    request_id: int,
    outcome: str,
    note: str | None = None,
) -> Intercept:
    """S1: a seller of the store answers a waiting request once: `intercepted` (the order
    then waits for the parcels going out to come back, as in S2) or `cannot`, with an
    optional note."""
    target = parse_outcome(outcome)
    text = clean_note(note)
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = _load(uow, actor, order_id)
        check_is_seller(actor, store_id=order.store_id)
        request = uow.conversation.get_intercept(request_id, for_update=True)
        if request is None or request.order_id != order.id:
            raise NotFound("conversation.no_such_intercept", request_id=request_id)
        intercept_transition(request.status, target)
        assert actor.user_id is not None
        message = _write(uow, order, actor, Role.seller, MessageKind.intercept_answer, text, now)
        uow.conversation.answer_intercept(
            request.id,
            status=target,
            note=text,
            by=actor.user_id,
            at=now,
            answer_message_id=message.id,
        )
        answered = uow.conversation.get_intercept(request.id)
        assert answered is not None
        return_id = _parcels_come_back(uow, ctx, order, actor, answered, now)
        _record(uow, ctx, InterceptAnswered(order=order, request=answered, message=message, at=now))
        uow.commit()
    return Intercept(request.id, message.id, target, return_id)


def _parcels_come_back(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    actor: Actor,
    request: InterceptRequest,
    now: datetime,
) -> int | None:
    """S1 → S2: once intercepted, the order waits for the parcels that were going out (a
    return of kind `intercepted` opens by itself, in this transaction)."""
    if request.status is not InterceptStatus.intercepted:
        return None
    going = [
        sid for sid, status in uow.conversation.outbound_parcels(order.id) if status in GOING_OUT
    ]
    if not going:
        return None
    return open_parcel_return(
        uow,
        ctx,
        order=order,
        shipment_ids=going,
        kind=ReturnKind.intercepted,
        actor=actor,
        now=now,
    )


def send_digest(uow: UnitOfWork, ctx: Context, *, message_id: int) -> int:
    """M1/M2, the `conversation.digest` deadline: every recipient whose batch the message
    belongs to (the other side, emailed up to before it) is emailed the messages they have
    neither read nor been told of — none unread, no email — and their emailed mark moves to
    the conversation's last message. Firing twice, or late, sends nothing twice. Returns how
    many were emailed."""
    now = ctx.clock.now()
    sent = 0
    with uow:
        message = uow.conversation.get_message(message_id)
        if message is None:
            return 0
        order = uow.orders.get(message.order_id, for_update=True)
        if order is None:
            return 0
        last = uow.conversation.last_message_id(order.id)
        for user_id, role in recipients(uow, order, message.author_role):
            mark = uow.conversation.read_mark(order.id, user_id)
            if mark.notified_upto_id >= message.id:
                continue
            after = min(mark.last_read_id, mark.notified_upto_id)
            waiting = digest_ids(
                [m.mark for m in uow.conversation.messages_after(order.id, after)],
                recipient_role=role,
                last_read_id=mark.last_read_id,
                notified_upto_id=mark.notified_upto_id,
            )
            uow.conversation.mark_notified(order.id, user_id, last)
            if waiting:
                _record(
                    uow,
                    ctx,
                    MessagesWaiting(
                        order=order, recipient_id=user_id, message_ids=tuple(waiting), at=now
                    ),
                )
                sent += 1
        uow.commit()
    return sent
