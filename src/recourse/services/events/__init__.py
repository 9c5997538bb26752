"""M3: the catalogue of webhook event types, and publishing an event with a state change.

An event is written in the same transaction as the change it reports; the worker fans it out to
every endpoint subscribed to its type. Later capabilities add their types to EVENT_TYPES.

STYLE 10: a use case decides, then records what happened as a past-tense fact — a frozen
dataclass in this package's module of its capability (orders, conversation, returns, disputes),
gathered below in `Happened`; services/subscribers.py turns each into notifications, emails and
webhook events. A new capability adds a module of facts here and its names to `Happened`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from recourse.services.events.conversation import (
    InterceptAnswered,
    InterceptRequested,
    MessagePosted,
    MessagesWaiting,
)
from recourse.services.events.disputes import (
    DisputeAppealed,
    DisputeAssigned,
    DisputeDecided,
    DisputeEscalated,
    DisputeInfoAnswered,
    DisputeInfoOverdue,
    DisputeInfoRequested,
    DisputeOpened,
    DisputeOpenedOnProblem,
    DisputeProposalMade,
    DisputeReminderDue,
    DisputeResolved,
    DisputeResponded,
    DisputeWithdrawn,
)
from recourse.services.events.orders import (
    AnswerReminderDue,
    CancellationCompleted,
    CancellationRejected,
    CancellationRequested,
    CancellationWithdrawn,
    OrderDelivered,
    OrderShipped,
    OverdueReminderDue,
    PaymentReminderDue,
    ProtectionEndingSoon,
    ProtectionExtensionAnswered,
    ProtectionExtensionRequested,
    ReceiptConfirmed,
    RefundNeedsAttention,
    RefundRecorded,
    RefundStatusChanged,
)
from recourse.services.events.returns import (
    ParcelReturning,
    ReturnApproved,
    ReturnClosed,
    ReturnDeclined,
    ReturnDelivered,
    ReturnOfferAnswered,
    ReturnOffered,
    ReturnReceived,
    ReturnRefunded,
    ReturnReminderDue,
    ReturnRequested,
    ReturnShipped,
    ReturnWithdrawn,
)
from recourse.services.ports.unit_of_work import UnitOfWork

Happened = (
    CancellationRequested
    | CancellationCompleted
    | CancellationRejected
    | CancellationWithdrawn
    | AnswerReminderDue
    | OverdueReminderDue
    | RefundRecorded
    | RefundStatusChanged
    | RefundNeedsAttention
    | OrderShipped
    | OrderDelivered
    | PaymentReminderDue
    | ReceiptConfirmed
    | ProtectionEndingSoon
    | ProtectionExtensionRequested
    | ProtectionExtensionAnswered
    | ReturnRequested
    | ReturnApproved
    | ReturnDeclined
    | ReturnOffered
    | ReturnOfferAnswered
    | ReturnShipped
    | ReturnDelivered
    | ReturnReceived
    | ReturnRefunded
    | ReturnClosed
    | ReturnWithdrawn
    | ReturnReminderDue
    | MessagePosted
    | MessagesWaiting
    | InterceptRequested
    | InterceptAnswered
    | ParcelReturning
    | DisputeOpened
    | DisputeOpenedOnProblem
    | DisputeResponded
    | DisputeProposalMade
    | DisputeEscalated
    | DisputeAssigned
    | DisputeInfoRequested
    | DisputeInfoAnswered
    | DisputeInfoOverdue
    | DisputeDecided
    | DisputeAppealed
    | DisputeResolved
    | DisputeWithdrawn
    | DisputeReminderDue
)
"""Every fact a use case records; services/subscribers.py has an entry for each."""


EVENT_TYPES: dict[str, str] = {
    "refund.created": "A refund was recorded and will be sent to the payment provider.",
    "refund.processing": "The payment provider accepted a refund.",
    "refund.succeeded": "The money left the platform; carries the trace number when known.",
    "refund.failed": "The payment provider refused a refund, or it kept failing.",
    "order.shipped": "A parcel of the order left with the carrier.",
    "order.delivered": "The carrier reports a parcel delivered.",
    "order.cancelled": "Every line of the order was cancelled.",
    "order.lines_cancelled": "Units of some lines were cancelled: SKUs and quantities to restock.",
    "order.completed": "The buyer confirmed receipt: buyer protection ended, the order completed.",
    "cancellation.requested": "A buyer asked the seller to cancel; carries the answer-by time.",
    "cancellation.approved": "A cancellation took effect (at once, or the seller approved).",
    "cancellation.rejected": "The seller rejected a cancellation request, with the reason.",
    "cancellation.expired": "The seller did not answer in time; the request was approved.",
    "cancellation.withdrawn": "The buyer withdrew a cancellation request.",
    "return.parcel_returning": (
        "A parcel is on its way back to the seller (refused, returned by the carrier, or "
        "intercepted): a return opened by itself for its units."
    ),
    "return.requested": "A buyer asked to return units; carries the answer-by time.",
    "return.approved": "A return was approved (by the seller, or by silence); carries ship-by.",
    "return.declined": "The seller declined a return, with the reason.",
    "return.offered": "The seller offered a partial refund for the buyer to keep the item.",
    "return.offer_accepted": "The buyer accepted the partial refund and keeps the item.",
    "return.shipped": "The buyer sent the return parcel; carries carrier and tracking.",
    "return.delivered": "The carrier delivered the return to the seller; carries refund-by.",
    "return.received": "The seller confirmed the returned units came back in good condition.",
    "return.refunded": "The return's refund was recorded: SKUs and quantities to restock.",
    "return.closed": "The buyer did not ship the return in time; it closed without a refund.",
    "return.withdrawn": "The buyer withdrew a return.",
    "return.problem": "The seller reported a problem with the returned units; support looks.",
    "dispute.opened": "A buyer opened a dispute; carries its type, what they want and respond-by.",
    "dispute.responded": "The seller accepted the buyer's request or made a counter-proposal.",
    "dispute.escalated": "A dispute went to support (asked for, or negotiation ran out).",
    "dispute.info_requested": "Support asked one side of a dispute for more, with a due date.",
    "dispute.decided": "Support decided a dispute, with its outcome, amount and rationale.",
    "dispute.appealed": "A side appealed a dispute's decision; a different agent decides.",
    "dispute.resolved": "A dispute ended: accepted, agreed, by silence, or decided for good.",
    "dispute.withdrawn": "The buyer withdrew a dispute.",
}


def event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def publish(uow: UnitOfWork, *, event_type: str, data: Mapping[str, Any], now: datetime) -> str:
    """Record the event and queue its fan-out; the event id is what receivers de-duplicate on."""
    if event_type not in EVENT_TYPES:
        raise LookupError(f"unknown event type {event_type!r}; add it to EVENT_TYPES")
    eid = event_id()
    payload = {"id": eid, "type": event_type, "created_at": now.isoformat(), "data": dict(data)}
    uow.events.add(eid, event_type, payload, now)
    uow.outbox.add("event", {"event_id": eid}, available_at=now, dedupe_key=f"event:{eid}")
    return eid


__all__ = [
    "EVENT_TYPES",
    "AnswerReminderDue",
    "CancellationCompleted",
    "CancellationRejected",
    "CancellationRequested",
    "CancellationWithdrawn",
    "DisputeAppealed",
    "DisputeAssigned",
    "DisputeDecided",
    "DisputeEscalated",
    "DisputeInfoAnswered",
    "DisputeInfoOverdue",
    "DisputeInfoRequested",
    "DisputeOpened",
    "DisputeOpenedOnProblem",
    "DisputeProposalMade",
    "DisputeReminderDue",
    "DisputeResolved",
    "DisputeResponded",
    "DisputeWithdrawn",
    "Happened",
    "InterceptAnswered",
    "InterceptRequested",
    "MessagePosted",
    "MessagesWaiting",
    "OrderDelivered",
    "OrderShipped",
    "OverdueReminderDue",
    "ParcelReturning",
    "PaymentReminderDue",
    "ProtectionEndingSoon",
    "ProtectionExtensionAnswered",
    "ProtectionExtensionRequested",
    "ReceiptConfirmed",
    "RefundNeedsAttention",
    "RefundRecorded",
    "RefundStatusChanged",
    "ReturnApproved",
    "ReturnClosed",
    "ReturnDeclined",
    "ReturnDelivered",
    "ReturnOfferAnswered",
    "ReturnOffered",
    "ReturnReceived",
    "ReturnRefunded",
    "ReturnReminderDue",
    "ReturnRequested",
    "ReturnShipped",
    "ReturnWithdrawn",
    "event_id",
    "publish",
]
