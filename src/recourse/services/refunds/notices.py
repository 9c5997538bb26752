"""F4/M2/M3: what a refund tells — the `refund.*` webhook events and the buyer's notifications
and emails, written in the same transaction as the change they report. Each `announce_*` is a
handler of a fact in services/events/; services/subscribers.py maps the facts to them.

They carry facts (ids, codes, amounts as {"amount", "currency"}, days as ISO text); the reader's
words are chosen when a notification is read or an email rendered (STYLE 11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundStatus
from recourse.services import events
from recourse.services.events import RefundRecorded, RefundStatusChanged
from recourse.services.notify import money_fact, notify_user
from recourse.services.ports.common import Context
from recourse.services.ports.refunds import Refund
from recourse.services.ports.unit_of_work import UnitOfWork


def payload(refund: Refund) -> dict[str, Any]:
    return {
        "refund_id": refund.id,
        "order_id": refund.order_id,
        "status": str(refund.status),
        "amount": refund.amount,
        "currency": refund.currency,
        "method": refund.method,
        "cause": refund.cause,
        "trace_number": refund.trace_number,
        "expected_by": {
            "earliest": refund.expected_earliest.isoformat(),
            "latest": refund.expected_latest.isoformat(),
        },
    }


def announce_created(uow: UnitOfWork, ctx: Context, e: RefundRecorded) -> None:
    """F4/F5: the event, and the buyer told how much goes back, where, and by when — unless a
    cancellation made the refund: its email carries all that (C11, one email per thing)."""
    order, refund, quote, expected, now = e.order, e.refund, e.quote, e.expected, e.at
    amount = money_fact(Money(quote.total, quote.currency))
    method = str(order.payment.method)
    events.publish(uow, event_type="refund.created", data=payload(refund), now=now)
    if e.caused_by_cancellation:
        return
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="refund.created",
        params={
            "order_id": order.id,
            "refund_id": refund.id,
            "amount": amount,
            "method": method,
            "earliest": expected.earliest.isoformat(),
            "latest": expected.latest.isoformat(),
        },
        order_id=order.id,
        link=f"/orders/{order.id}#refunds",
        now=now,
        dedupe_key=f"refund:{refund.id}:created",
        email_template="refund_created",
        email_context={
            "order_id": order.id,
            "refund_id": refund.id,
            "amount": amount,
            "method": method,
            "cause": str(quote.cause),
            "earliest": expected.earliest.isoformat(),
            "latest": expected.latest.isoformat(),
        },
    )


def announce_status(uow: UnitOfWork, ctx: Context, e: RefundStatusChanged) -> None:
    """F4: the event of every step; the buyer hears when the money left, or that it is late."""
    order, refund, now = e.order, e.refund, e.at
    events.publish(uow, event_type=f"refund.{refund.status}", data=payload(refund), now=now)
    amount = money_fact(Money(refund.amount, refund.currency))
    if refund.status is RefundStatus.succeeded:
        _tell_succeeded(uow, order, refund, amount, now)
    elif refund.status is RefundStatus.failed:
        _tell_failed(uow, order, refund, amount, now)


def _tell_succeeded(
    uow: UnitOfWork, order: Order, refund: Refund, amount: dict[str, object], now: datetime
) -> None:
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="refund.succeeded",
        params={
            "order_id": order.id,
            "refund_id": refund.id,
            "amount": amount,
            "trace_number": refund.trace_number,
            "latest": refund.expected_latest.isoformat(),
        },
        order_id=order.id,
        link=f"/orders/{order.id}#refunds",
        now=now,
        dedupe_key=f"refund:{refund.id}:succeeded",
        email_template="refund_succeeded",
        email_context={
            "order_id": order.id,
            "refund_id": refund.id,
            "amount": amount,
            "trace_number": refund.trace_number,
            "latest": refund.expected_latest.isoformat(),
            "method": refund.method,
        },
    )


def _tell_failed(
    uow: UnitOfWork, order: Order, refund: Refund, amount: dict[str, object], now: datetime
) -> None:
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="refund.failed",
        params={"order_id": order.id, "refund_id": refund.id, "amount": amount},
        order_id=order.id,
        link=f"/orders/{order.id}#refunds",
        now=now,
        dedupe_key=f"refund:{refund.id}:failed:{refund.attempts}",
        email_template="refund_failed",
        email_context={"order_id": order.id, "refund_id": refund.id, "amount": amount},
    )
