"""F1/F2/F5: a refund is recorded in the transaction of whatever causes it (txn 1), never for
more than is left of the capture, with the date it should reach the buyer; the worker sends
it afterwards."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote, check_ceiling, mark_refunded
from recourse.domain.roles import Actor
from recourse.domain.settlement import ExpectedBy, expected_by
from recourse.domain.timeline import TimelineEntry
from recourse.services import subscribers
from recourse.services.events import RefundRecorded
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.refunds import NewRefund
from recourse.services.ports.unit_of_work import UnitOfWork

SEND = "refund.send"


def record_refund(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    quote: RefundQuote,
    actor: Actor,
    gateway: str,
    cause_ref: str | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> int:
    """F1/F2: inside the caller's transaction, with the order row locked by the caller."""
    check_ceiling(quote)
    now = ctx.clock.now()
    expected = expected_for(uow, ctx, order, now)
    refund_id = uow.refunds.add(
        NewRefund(
            order_id=order.id,
            quote=quote,
            cause_ref=cause_ref,
            reason=reason,
            note=note,
            created_by_role=str(actor.role),
            created_by_id=actor.user_id,
            gateway=gateway,
            expected_earliest=expected.earliest,
            expected_latest=expected.latest,
            created_at=now,
        )
    )
    changes = mark_refunded(order, quote)
    if changes:
        uow.orders.save_quantities(order.id, changes)
    refund = uow.refunds.get(refund_id)
    assert refund is not None
    uow.timeline.add(_entry(order, actor, quote, refund_id, expected, reason, note, now))
    uow.outbox.add(
        SEND, {"refund_id": refund_id}, available_at=now, dedupe_key=f"refund:{refund_id}:send:0"
    )
    subscribers.record(
        uow,
        ctx,
        RefundRecorded(
            order=order, refund=refund, quote=quote, expected=expected, cause_ref=cause_ref, at=now
        ),
    )
    return refund_id


def _entry(
    order: Order,
    actor: Actor,
    quote: RefundQuote,
    refund_id: int,
    expected: ExpectedBy,
    reason: str | None,
    note: str | None,
    now: datetime,
) -> TimelineEntry:
    return TimelineEntry(
        order_id=order.id,
        at=now,
        actor=actor,
        action="refund.created",
        reason=reason,
        note=note,
        data={
            "refund_id": refund_id,
            "amount": quote.total,
            "currency": quote.currency,
            "cause": str(quote.cause),
            "expected_latest": expected.latest.isoformat(),
        },
    )


def expected_for(uow: UnitOfWork, ctx: Context, order: Order, now: datetime) -> ExpectedBy:
    """F5: from the day it is issued in the buyer's zone, in their country's business days."""
    home = uow.users.home(order.buyer_id)
    assert home is not None
    country, timezone = home
    profile = uow.settlement.profile(str(order.payment.method))
    issued_on = now.astimezone(ZoneInfo(timezone)).date()
    return expected_by(issued_on, profile, partial(ctx.holidays.business_days_after, country))


def expected_if_issued_now(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int
) -> ExpectedBy:
    """F5 for a quote: the dates a refund of this order issued now would carry."""
    with uow:
        return expected_for(uow, ctx, load_order(uow, actor, order_id), ctx.clock.now())
