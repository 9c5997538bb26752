"""STYLE 10: the one table that turns what happened into what is told — in-app notifications,
emails and webhook events, written in the transaction of the change (the outbox).

A use case decides, then records a past-tense fact (services/events/) with `record`; it never
calls another use case, or a notification helper, for its messages. Every fact has an entry
here, even one that tells no one (tests/unit/test_subscribers.py checks).

One email per thing that happened: a refund a cancellation made is told in the cancellation's
email (C11), so its handler publishes the webhook event only.

Cancellations and refunds keep their handlers in their `notices` modules; the few for orders
and parcels live below. Nothing here imports a use case, so use cases may import this module;
`orders` and `shipping`, which the cancellation package imports by name, import it when they
record (see `record`'s callers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from recourse.domain.order import Order
from recourse.services import events
from recourse.services.cancellations.notices import (
    announce_rejected,
    announce_requested,
    announce_withdrawn,
    remind_seller,
    remind_seller_overdue,
)
from recourse.services.conversation_notices import (
    announce_intercept_answered,
    announce_intercept_requested,
    announce_message,
    email_waiting,
)
from recourse.services.disputes import force_notices
from recourse.services.disputes import notices as disputes
from recourse.services.disputes import outcome_notices as dispute_outcomes
from recourse.services.events import (
    AnswerReminderDue,
    CancellationCompleted,
    CancellationRejected,
    CancellationRequested,
    CancellationWithdrawn,
    Happened,
    InterceptAnswered,
    InterceptRequested,
    MessagePosted,
    MessagesWaiting,
    OrderDelivered,
    OrderShipped,
    OverdueReminderDue,
    ParcelReturning,
    PaymentReminderDue,
    ProtectionEndingSoon,
    ProtectionExtensionAnswered,
    ProtectionExtensionRequested,
    ReceiptConfirmed,
    RefundNeedsAttention,
    RefundRecorded,
    RefundStatusChanged,
)
from recourse.services.notify import money_fact, notify_store_staff, notify_user, queue_email
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.notices import announce_status
from recourse.services.returns import notices as returns
from recourse.services.returns.parcel_notices import announce_parcel_returning

Handler = Callable[[UnitOfWork, Context, Any], None]


def _parcel_data(
    order: Order, shipment_id: int, carrier: str, tracking: str, units: Mapping[int, int]
) -> dict[str, object]:
    """The `order.shipped` / `order.delivered` payload: the parcel and what it carries."""
    return {
        "order_id": order.id,
        "external_id": order.external_id,
        "shipment_id": shipment_id,
        "carrier": carrier,
        "tracking_number": tracking,
        "lines": [
            {"line_id": lid, "sku": order.line(lid).sku, "quantity": qty}
            for lid, qty in units.items()
        ],
    }


def announce_shipped(uow: UnitOfWork, ctx: Context, e: OrderShipped) -> None:
    """C9: the buyer's email and the `order.shipped` event."""
    order = e.order
    items = [{"title": order.line(lid).title, "quantity": qty} for lid, qty in e.units.items()]
    queue_email(
        uow,
        template="order_shipped",
        to_user_id=order.buyer_id,
        context={
            "order_id": order.id,
            "carrier": e.carrier,
            "tracking_number": e.tracking_number,
            "items": items,
        },
        now=e.at,
        dedupe_key=f"shipment:{e.shipment_id}:shipped",
    )
    events.publish(
        uow,
        event_type="order.shipped",
        data=_parcel_data(order, e.shipment_id, e.carrier, e.tracking_number, e.units),
        now=e.at,
    )


def announce_delivered(uow: UnitOfWork, ctx: Context, e: OrderDelivered) -> None:
    """§4/M3: the buyer hears that the parcel arrived and until when protection runs; the
    `order.delivered` event goes to the webhooks."""
    order, shipment = e.order, e.shipment
    ends = order.deadlines.protection_ends_at
    queue_email(
        uow,
        template="order_delivered",
        to_user_id=order.buyer_id,
        context={
            "order_id": order.id,
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "protection_ends_at": ends.isoformat() if ends else None,
        },
        now=e.at,
        dedupe_key=f"shipment:{shipment.id}:delivered",
    )
    events.publish(
        uow,
        event_type="order.delivered",
        data=_parcel_data(
            order,
            shipment.id,
            shipment.carrier,
            shipment.tracking_number,
            {line.line_id: line.quantity for line in shipment.lines},
        ),
        now=e.at,
    )


def remind_buyer_to_pay(uow: UnitOfWork, ctx: Context, e: PaymentReminderDue) -> None:
    """M2/C2: the buyer, reminded before an unpaid order cancels itself."""
    order = e.order
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="order.payment_reminder",
        params={"order_id": order.id, "pay_by": e.pay_by.isoformat()},
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=e.at,
        dedupe_key=f"order:{order.id}:payment_reminder",
        email_template="payment_reminder",
        email_context={
            "order_id": order.id,
            "pay_by": e.pay_by.isoformat(),
            "total": money_fact(e.total),
        },
    )


# Buyer protection (§2, M2): the sellers hear in-app of a confirmed receipt and of a request for
# more time; the buyer of the answer, and in-app and by email before protection ends.


def _tell_sellers(
    uow: UnitOfWork,
    order: Order,
    *,
    kind: str,
    params: dict[str, Any],
    now: datetime,
    dedupe_key: str,
) -> None:
    """In-app, to every member of the store's staff, once each."""
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind=kind,
        params=params,
        order_id=order.id,
        now=now,
        dedupe_key=dedupe_key,
    )


def announce_receipt_confirmed(uow: UnitOfWork, ctx: Context, e: ReceiptConfirmed) -> None:
    """§2/M3: the sellers hear that the buyer confirmed receipt; `order.completed` to the
    webhooks."""
    order = e.order
    _tell_sellers(
        uow,
        order,
        kind="order.receipt_confirmed",
        params={"order_id": order.id, "confirmed_at": e.at.isoformat()},
        now=e.at,
        dedupe_key=f"order:{order.id}:receipt_confirmed",
    )
    events.publish(
        uow,
        event_type="order.completed",
        data={
            "order_id": order.id,
            "external_id": order.external_id,
            "reason": "receipt_confirmed",
            "completed_at": e.at.isoformat(),
        },
        now=e.at,
    )


def remind_buyer_protection(uow: UnitOfWork, ctx: Context, e: ProtectionEndingSoon) -> None:
    """M2/§2: the buyer, in-app and by email, before protection ends."""
    order = e.order
    ends = e.ends_at.isoformat()
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="order.protection_ending",
        params={"order_id": order.id, "protection_ends_at": ends},
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=e.at,
        dedupe_key=f"order:{order.id}:protection_ending:{ends}",
        email_template="protection_ending",
        email_context={"order_id": order.id, "protection_ends_at": ends},
    )


def announce_extension_requested(
    uow: UnitOfWork, ctx: Context, e: ProtectionExtensionRequested
) -> None:
    """§2: the sellers hear the buyer asks for more protection, and how many days."""
    order, ext = e.order, e.extension
    _tell_sellers(
        uow,
        order,
        kind="protection.extension_requested",
        params={"order_id": order.id, "request_id": ext.id, "days": ext.days},
        now=e.at,
        dedupe_key=f"protection_extension:{ext.id}:requested",
    )


def announce_extension_answered(
    uow: UnitOfWork, ctx: Context, e: ProtectionExtensionAnswered
) -> None:
    """§2: the buyer hears the seller's answer, and when protection ends now."""
    order, ext = e.order, e.extension
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="protection.extension_granted" if e.granted else "protection.extension_declined",
        params={
            "order_id": order.id,
            "request_id": ext.id,
            "days": ext.days,
            "protection_ends_at": e.ends_at.isoformat(),
        },
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=e.at,
        dedupe_key=f"protection_extension:{ext.id}:answered",
    )


SUBSCRIBERS: dict[type[Happened], tuple[Handler, ...]] = {
    CancellationRequested: (announce_requested,),
    # Approved at once or by the seller, by silence, or by the platform (unpaid, overdue).
    # a cancellation support forced on a dispute (C10) is told by the dispute's decision
    CancellationCompleted: (force_notices.announce_completed,),
    CancellationRejected: (announce_rejected,),
    CancellationWithdrawn: (announce_withdrawn,),
    AnswerReminderDue: (remind_seller,),
    OverdueReminderDue: (remind_seller_overdue,),
    # a refund a dispute made is told in the dispute's email: its handler publishes only
    RefundRecorded: (dispute_outcomes.announce_refund_created,),
    RefundStatusChanged: (announce_status,),
    # Support reads it on its refunds page (the timeline has it); nobody is sent anything.
    RefundNeedsAttention: (),
    OrderShipped: (announce_shipped,),
    OrderDelivered: (announce_delivered,),
    PaymentReminderDue: (remind_buyer_to_pay,),
    ReceiptConfirmed: (announce_receipt_confirmed,),
    ProtectionEndingSoon: (remind_buyer_protection,),
    ProtectionExtensionRequested: (announce_extension_requested,),
    events.ReturnRequested: (returns.announce_requested,),
    # a return a dispute carried out is told in the dispute's email: its handler publishes only
    events.ReturnApproved: (dispute_outcomes.announce_return_approved,),
    events.ReturnDeclined: (returns.announce_declined,),
    events.ReturnOffered: (returns.announce_offered,),
    events.ReturnOfferAnswered: (returns.announce_offer_answered,),
    events.ReturnShipped: (returns.announce_shipped,),
    events.ReturnDelivered: (returns.announce_delivered,),
    events.ReturnReceived: (returns.announce_problem,),
    # the buyer's email is the refund's own (RefundRecorded)
    events.ReturnRefunded: (returns.announce_refunded,),
    events.ReturnClosed: (returns.announce_closed,),
    events.ReturnWithdrawn: (returns.announce_withdrawn,),
    events.ReturnReminderDue: (returns.remind,),
    ProtectionExtensionAnswered: (announce_extension_answered,),
    MessagePosted: (announce_message,),
    MessagesWaiting: (email_waiting,),
    InterceptRequested: (announce_intercept_requested,),
    InterceptAnswered: (announce_intercept_answered,),
    ParcelReturning: (announce_parcel_returning,),
    # §5 disputes (services/disputes/notices.py)
    events.DisputeOpened: (disputes.announce_opened,),
    # the buyer's email is the return's problem (ReturnReceived); the escalation that follows
    # tells both sides in-app
    events.DisputeOpenedOnProblem: (disputes.announce_opened_on_problem,),
    # an acceptance is told by the DisputeResolved that follows it
    events.DisputeResponded: (disputes.announce_responded,),
    events.DisputeProposalMade: (disputes.announce_proposal,),
    events.DisputeEscalated: (disputes.announce_escalated,),
    events.DisputeAssigned: (disputes.announce_assigned,),
    events.DisputeInfoRequested: (disputes.announce_info_requested,),
    events.DisputeInfoAnswered: (disputes.announce_info_answered,),
    events.DisputeInfoOverdue: (disputes.announce_info_overdue,),
    events.DisputeDecided: (dispute_outcomes.announce_decided,),
    events.DisputeAppealed: (disputes.announce_appealed,),
    events.DisputeResolved: (dispute_outcomes.announce_resolved,),
    events.DisputeWithdrawn: (disputes.announce_withdrawn,),
    events.DisputeReminderDue: (disputes.remind,),
}


def record(uow: UnitOfWork, ctx: Context, event: Happened) -> None:
    """Hand what happened to its subscribers, in the caller's transaction."""
    for handler in SUBSCRIBERS[type(event)]:
        handler(uow, ctx, event)
