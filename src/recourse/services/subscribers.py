"""STYLE 10: the one table that turns what happened into what is told — in-app notifications,
emails and webhook events, written in the transaction of the change (the outbox).

A use case records a past-tense fact with `record`; it never calls another use case for that
use case's messages. One email per thing that happened: a refund a cancellation made is told in
the cancellation's email (C11), so its subscriber publishes the webhook event only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from recourse.services.cancellations.notices import announce_completed
from recourse.services.events import CancellationCompleted, RefundRecorded
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.notices import announce_created

Handler = Callable[[UnitOfWork, Context, Any], None]


def on_cancellation_completed(uow: UnitOfWork, ctx: Context, e: CancellationCompleted) -> None:
    announce_completed(
        uow,
        ctx,
        e.order,
        e.cancellation,
        event=e.event,
        whole=e.whole,
        quote=e.quote,
        refund_id=e.refund_id,
        now=e.at,
    )


def on_refund_recorded(uow: UnitOfWork, ctx: Context, e: RefundRecorded) -> None:
    announce_created(
        uow,
        ctx,
        e.order,
        e.refund,
        e.quote,
        e.expected,
        e.at,
        tell_buyer=not e.caused_by_cancellation,
    )


SUBSCRIBERS: dict[type, tuple[Handler, ...]] = {
    CancellationCompleted: (on_cancellation_completed,),
    RefundRecorded: (on_refund_recorded,),
}


def record(uow: UnitOfWork, ctx: Context, event: CancellationCompleted | RefundRecorded) -> None:
    """Hand what happened to its subscribers, in the caller's transaction."""
    for handler in SUBSCRIBERS[type(event)]:
        handler(uow, ctx, event)
