"""C11/M2/M3: what a cancellation tells — webhook events, in-app notifications and emails,
written in the same transaction as the change they report. Each `announce_*`/`remind_*` is a
handler of a fact in services/events/; services/subscribers.py maps the facts to them.

They carry facts (ids, codes, amounts as {"amount", "currency"}, times as ISO text); the reader's
words are chosen when a notification is read or an email rendered (STYLE 11)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from recourse.domain.cancellation import Initiator, every_unshipped_unit, seller_is_told
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote
from recourse.services import events
from recourse.services.events import (
    AnswerReminderDue,
    CancellationCompleted,
    CancellationRejected,
    CancellationRequested,
    CancellationWithdrawn,
    OverdueReminderDue,
)
from recourse.services.notify import money_fact, notify_store_staff, notify_user
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def reason_label(uow: UnitOfWork, code: str) -> str:
    """The reason's label as the catalogue stores it (platform data, not a sentence of ours)."""
    reason = uow.reasons.get(code)
    return reason.label if reason else code.replace("_", " ")


def items(order: Order, units: Mapping[int, int]) -> list[dict[str, object]]:
    return [
        {"title": order.line(line_id).title, "sku": order.line(line_id).sku, "quantity": n}
        for line_id, n in sorted(units.items())
    ]


def event_data(order: Order, c: Cancellation, **extra: object) -> dict[str, object]:
    return {
        "cancellation_id": c.id,
        "order_id": order.id,
        "external_id": order.external_id,
        "store_id": order.store_id,
        "reason": c.reason,
        "fault": c.fault,
        "initiator": c.initiator,
        "lines": [
            {"line_id": line_id, "sku": order.line(line_id).sku, "quantity": n}
            for line_id, n in sorted(c.units.items())
        ],
        **extra,
    }


def announce_requested(uow: UnitOfWork, ctx: Context, e: CancellationRequested) -> None:
    """C11: the event, and each of the store's sellers told the answer-by time in their zone,
    the items asked for and the refund the buyer was quoted."""
    order, cancellation, respond_by, now = e.order, e.cancellation, e.respond_by, e.at
    refund = (
        money_fact(Money(e.quote.total, order.currency))
        if e.quote is not None and e.quote.total
        else None
    )
    events.publish(
        uow,
        event_type="cancellation.requested",
        data=event_data(order, cancellation, respond_by=respond_by.isoformat()),
        now=now,
    )
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind="cancellation.requested",
        params={
            "order_id": order.id,
            "cancellation_id": cancellation.id,
            "respond_by": respond_by.isoformat(),
        },
        order_id=order.id,
        now=now,
        dedupe_key=f"cancellation:{cancellation.id}:requested",
        email_template="cancellation_requested",
        email_context={
            "order_id": order.id,
            "cancellation_id": cancellation.id,
            "respond_by": respond_by.isoformat(),
            "reason": reason_label(uow, cancellation.reason),
            "reason_code": cancellation.reason,
            "note": cancellation.note,
            "items": items(order, cancellation.units),
            "refund": refund,
        },
    )


def announce_completed(uow: UnitOfWork, ctx: Context, e: CancellationCompleted) -> None:
    """C11: the events, the buyer's confirmation with the refund, and the store's notice."""
    order, cancellation, event, whole, now = e.order, e.cancellation, e.event, e.whole, e.at
    quote, refund_id = e.quote, e.refund_id
    data = event_data(order, cancellation, refund_id=refund_id)
    events.publish(uow, event_type=event, data=data, now=now)
    events.publish(uow, event_type="order.lines_cancelled", data=data, now=now)
    if whole:
        events.publish(uow, event_type="order.cancelled", data=data, now=now)
    automatic = event == "cancellation.expired"
    _tell_buyer_completed(uow, ctx, order, cancellation, whole, quote, refund_id, automatic, now)
    if seller_is_told(Initiator(cancellation.initiator)):
        notify_store_staff(
            uow,
            store_id=order.store_id,
            kind="cancellation.completed",
            params={
                "order_id": order.id,
                "cancellation_id": cancellation.id,
                "audience": "seller",
                "whole": whole,
                "automatic": automatic,
            },
            order_id=order.id,
            now=now,
            dedupe_key=f"cancellation:{cancellation.id}:completed",
            email_template="cancellation_seller_notice",
            email_context={
                "order_id": order.id,
                "whole": whole,
                "automatic": automatic,
                "items": items(order, cancellation.units),
                "reason": reason_label(uow, cancellation.reason),
                "reason_code": cancellation.reason,
            },
        )


def _tell_buyer_completed(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    cancellation: Cancellation,
    whole: bool,
    quote: RefundQuote | None,
    refund_id: int | None,
    automatic: bool,
    now: datetime,
) -> None:
    amount = money_fact(Money(quote.total if quote else 0, order.currency))
    refund = uow.refunds.get(refund_id) if refund_id is not None else None
    method = str(order.payment.method)
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="cancellation.completed",
        params={
            "order_id": order.id,
            "cancellation_id": cancellation.id,
            "audience": "buyer",
            "whole": whole,
            "automatic": automatic,
            "refund": amount if refund else None,
            "refund_id": refund_id,
            "method": method,
        },
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=now,
        dedupe_key=f"cancellation:{cancellation.id}:completed",
        email_template="cancellation_completed",
        email_context={
            "order_id": order.id,
            "whole": whole,
            "automatic": automatic,
            "items": items(order, cancellation.units),
            "refund": amount if refund else None,
            "method": method,
            "earliest": refund.expected_earliest.isoformat() if refund else None,
            "latest": refund.expected_latest.isoformat() if refund else None,
        },
    )


def announce_rejected(uow: UnitOfWork, ctx: Context, e: CancellationRejected) -> None:
    """C10: the event, and the buyer told the seller's reason."""
    order, cancellation, reason, note, now = e.order, e.cancellation, e.reason, e.note, e.at
    events.publish(
        uow,
        event_type="cancellation.rejected",
        data=event_data(order, cancellation, rejection_reason=reason, note=note),
        now=now,
    )
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="cancellation.rejected",
        params={
            "order_id": order.id,
            "cancellation_id": cancellation.id,
            "reason": reason,
            "note": note,
        },
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=now,
        dedupe_key=f"cancellation:{cancellation.id}:rejected",
        email_template="cancellation_rejected",
        email_context={
            "order_id": order.id,
            "reason": reason,
            "note": note,
            "carrier": e.carrier,
            "tracking_number": e.tracking_number,
        },
    )


def announce_withdrawn(uow: UnitOfWork, ctx: Context, e: CancellationWithdrawn) -> None:
    """C10: the event only; the seller's page shows the request gone."""
    events.publish(
        uow,
        event_type="cancellation.withdrawn",
        data=event_data(e.order, e.cancellation),
        now=e.at,
    )


def remind_seller(uow: UnitOfWork, ctx: Context, e: AnswerReminderDue) -> None:
    """C11: the store's sellers, reminded before silence approves the request."""
    order, cancellation, respond_by, now = e.order, e.cancellation, e.respond_by, e.at
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind="cancellation.reminder",
        params={
            "order_id": order.id,
            "cancellation_id": cancellation.id,
            "respond_by": respond_by.isoformat(),
        },
        order_id=order.id,
        now=now,
        dedupe_key=f"cancellation:{cancellation.id}:reminder",
        email_template="cancellation_reminder",
        email_context={
            "order_id": order.id,
            "respond_by": respond_by.isoformat(),
            "items": items(order, cancellation.units),
        },
    )


def remind_seller_overdue(uow: UnitOfWork, ctx: Context, e: OverdueReminderDue) -> None:
    """M2/C4: the store's sellers, reminded before the overdue auto-cancel decides against them."""
    order, cancels_at, now = e.order, e.cancels_at, e.at
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind="order.overdue_reminder",
        params={"order_id": order.id, "cancels_at": cancels_at.isoformat()},
        order_id=order.id,
        now=now,
        dedupe_key=f"order:{order.id}:overdue_reminder",
        email_template="overdue_reminder",
        email_context={
            "order_id": order.id,
            "cancels_at": cancels_at.isoformat(),
            "items": items(order, every_unshipped_unit(order)),
        },
    )
