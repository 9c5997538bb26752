"""M3: the catalogue of webhook event types, and publishing an event with a state change.

An event is written in the same transaction as the change it reports; the worker fans it out to
every endpoint subscribed to its type. Later capabilities add their types to EVENT_TYPES.

STYLE 10: a use case decides, then records what happened as one of the past-tense facts below;
services/subscribers.py turns each into notifications, emails and webhook events.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.domain.disputes import Decision, Dispute, InfoRequest, Party, Proposal
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote, RefundStatus
from recourse.domain.returns import Return
from recourse.domain.settlement import ExpectedBy
from recourse.domain.shipment import Shipment
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.conversation import InterceptRequest, Message
from recourse.services.ports.protection import ProtectionExtension
from recourse.services.ports.refunds import Refund
from recourse.services.ports.unit_of_work import UnitOfWork

# What a cancellation did (C4, C7, C9, C10, C11).


@dataclass(frozen=True)
class CancellationRequested:
    """C4/C11: a buyer asked the seller to cancel; the seller answers by `respond_by`."""

    order: Order
    cancellation: Cancellation
    respond_by: datetime
    quote: RefundQuote | None
    at: datetime


@dataclass(frozen=True)
class CancellationCompleted:
    """C7: a cancellation took effect (`event` is its webhook type), with the refund it made:
    at once, approved by the seller, approved by silence ("cancellation.expired"), or decided
    by the platform (an unpaid order past its window, an order left unshipped too long)."""

    order: Order
    cancellation: Cancellation
    event: str
    whole: bool
    quote: RefundQuote | None
    refund_id: int | None
    at: datetime


@dataclass(frozen=True)
class CancellationRejected:
    """C9/C10: the seller rejected a request, with a reason (and the parcel, if it shipped)."""

    order: Order
    cancellation: Cancellation
    reason: str
    note: str | None
    carrier: str | None
    tracking_number: str | None
    at: datetime


@dataclass(frozen=True)
class CancellationWithdrawn:
    """C10: the buyer withdrew a request the seller had not answered."""

    order: Order
    cancellation: Cancellation
    at: datetime


@dataclass(frozen=True)
class AnswerReminderDue:
    """C11: the time came to remind the sellers before silence approves a request."""

    order: Order
    cancellation: Cancellation
    respond_by: datetime
    at: datetime


@dataclass(frozen=True)
class OverdueReminderDue:
    """M2/C4: the time came to remind the sellers before an unshipped order cancels itself."""

    order: Order
    cancels_at: datetime
    at: datetime


# What a refund did (F1, F3, F4).


@dataclass(frozen=True)
class RefundRecorded:
    """F1: a refund was recorded; `cause_ref` names what caused it ("cancellation:<id>")."""

    order: Order
    refund: Refund
    quote: RefundQuote
    expected: ExpectedBy
    cause_ref: str | None
    at: datetime

    @property
    def caused_by_cancellation(self) -> bool:
        return (self.cause_ref or "").startswith("cancellation:")


@dataclass(frozen=True)
class RefundStatusChanged:
    """F4: the gateway moved a refund (processing, succeeded, failed); `refund` is as stored."""

    order: Order
    refund: Refund
    previous: RefundStatus
    at: datetime


@dataclass(frozen=True)
class RefundNeedsAttention:
    """F3/F4: support has to act on a refund — sending kept failing, or the provider reversed
    one it had paid. Support reads it on its refunds page."""

    refund_id: int
    order_id: int
    error: str
    at: datetime


# What happened to an order and its parcels (§2, C2, C9).


@dataclass(frozen=True)
class OrderShipped:
    """C9: a parcel with these units left with the carrier."""

    order: Order
    shipment_id: int
    units: Mapping[int, int]
    carrier: str
    tracking_number: str
    at: datetime


@dataclass(frozen=True)
class OrderDelivered:
    """§4: the carrier reports a parcel delivered; `order` carries the end of protection."""

    order: Order
    shipment: Shipment
    at: datetime


@dataclass(frozen=True)
class PaymentReminderDue:
    """M2/C2: the time came to remind the buyer before an unpaid order cancels itself."""

    order: Order
    pay_by: datetime
    total: Money
    at: datetime


# What happened to buyer protection (§2, M2).


@dataclass(frozen=True)
class ReceiptConfirmed:
    """§2: the buyer confirmed receipt; protection ended and the order completed."""

    order: Order
    at: datetime


@dataclass(frozen=True)
class ProtectionEndingSoon:
    """M2/§2: the time came to remind the buyer before protection ends (`ends_at`)."""

    order: Order
    ends_at: datetime
    at: datetime


@dataclass(frozen=True)
class ProtectionExtensionRequested:
    """§2: the buyer asked the seller to extend protection by some days."""

    order: Order
    extension: ProtectionExtension
    at: datetime


@dataclass(frozen=True)
class ProtectionExtensionAnswered:
    """§2: the seller granted (protection now ends at `ends_at`) or declined the request."""

    order: Order
    extension: ProtectionExtension
    granted: bool
    ends_at: datetime
    at: datetime


# The order's conversation (M1) and intercept requests (S1).


@dataclass(frozen=True)
class MessagePosted:
    """M1: a participant wrote in the order's conversation (text and/or files)."""

    order: Order
    message: Message
    at: datetime


@dataclass(frozen=True)
class MessagesWaiting:
    """M1/M2: the digest — messages `recipient_id` has neither read nor been emailed about
    since their batch started (`message_ids`, oldest first)."""

    order: Order
    recipient_id: int
    message_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True)
class InterceptRequested:
    """S1: the buyer asks the sellers to stop a parcel going out."""

    order: Order
    request: InterceptRequest
    message: Message
    at: datetime


@dataclass(frozen=True)
class InterceptAnswered:
    """S1: a seller answered: the parcel was intercepted (it comes back), or it cannot be."""

    order: Order
    request: InterceptRequest
    message: Message
    at: datetime


# What a buyer return did (R1-R5).


@dataclass(frozen=True)
class ReturnRequested:
    """R1: the buyer asked to send units back; the sellers answer by `ret.respond_by`."""

    order: Order
    ret: Return
    quote: RefundQuote
    at: datetime


@dataclass(frozen=True)
class ReturnApproved:
    """R2: approved by a seller, or by silence (`automatic`); the buyer ships by `ret.ship_by`
    to `ret.return_address` (None: the store has none on file yet and is asked for one)."""

    order: Order
    ret: Return
    automatic: bool
    at: datetime


@dataclass(frozen=True)
class ReturnDeclined:
    """R2: the seller declined the return, with a reason (the buyer may escalate)."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnOffered:
    """R2: the seller offered a partial refund to keep the item, answered by
    `ret.offer_answer_by`."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnOfferAnswered:
    """R2: the buyer accepted the offer (refunded at once: `refund_id`), declined it, or let it
    lapse (`lapsed`); a declined or lapsed offer puts the request back to the sellers."""

    order: Order
    ret: Return
    accepted: bool
    lapsed: bool
    refund_id: int | None
    at: datetime


@dataclass(frozen=True)
class ReturnShipped:
    """R3: the buyer sent the parcel back (`ret.return_shipment_id`)."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnDelivered:
    """R4: the carrier delivered the return to the seller; refunded by `ret.refund_by` at the
    latest."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnReceived:
    """R4: the seller reported a problem with what came back (`ret.problem_note`); support
    looks at it. (A receipt in good condition is told by `ReturnRefunded`.)"""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnRefunded:
    """R4/R5: the return's refund was recorded — the seller confirmed the units are back in
    good condition, or `refund_by` passed (`automatic`)."""

    order: Order
    ret: Return
    refund_id: int | None
    quote: RefundQuote
    automatic: bool
    at: datetime


@dataclass(frozen=True)
class ReturnClosed:
    """R3: the buyer did not ship back by `ret.ship_by`; no refund."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnWithdrawn:
    """The buyer gave up the return before shipping it."""

    order: Order
    ret: Return
    at: datetime


@dataclass(frozen=True)
class ReturnReminderDue:
    """M2: the time came to remind someone before a return deadline decides against them
    (`deadline` is its name: the sellers' answer, the buyer's shipping, the seller's refund)."""

    order: Order
    ret: Return
    deadline: str
    due_at: datetime
    at: datetime


# Parcels coming back to the seller before they reached the buyer (S1, S2).


@dataclass(frozen=True)
class ParcelReturning:
    """S1/S2: an outbound parcel is on its way back (refused, returned by the carrier, or
    stopped by the seller): a return opened by itself for the units it carries."""

    order: Order
    ret: Return
    shipment_ids: tuple[int, ...]
    at: datetime


# What a dispute did (D1-D7). `dispute` is the dispute as it is after the step.


@dataclass(frozen=True)
class DisputeOpened:
    """D1/D2: the buyer opened a dispute; the sellers answer by `dispute.respond_by`."""

    order: Order
    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class DisputeResponded:
    """D3: the sellers accepted the buyer's request (carried out: a DisputeResolved follows)
    or countered with `proposal`."""

    order: Order
    dispute: Dispute
    accepted: bool
    proposal: Proposal | None
    at: datetime


@dataclass(frozen=True)
class DisputeProposalMade:
    """D4: a side made a new proposal while negotiating."""

    order: Order
    dispute: Dispute
    proposal: Proposal
    at: datetime


@dataclass(frozen=True)
class DisputeEscalated:
    """D4/D5: a side asked for support, or negotiation ran out (`by` is "system"); support
    decides by `dispute.sla_due_at`."""

    order: Order
    dispute: Dispute
    by: str
    at: datetime


@dataclass(frozen=True)
class DisputeAssigned:
    """D5/D6: a support agent took the case (or was given it)."""

    order: Order
    dispute: Dispute
    assignee_id: int
    at: datetime


@dataclass(frozen=True)
class DisputeInfoRequested:
    """D5: support asked one side for more, by `request.due_at`."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeInfoAnswered:
    """D5: the side asked answered support's question."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeInfoOverdue:
    """D5: the side asked did not answer by the due date (support decides without it)."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeDecided:
    """D5/D6: support decided (`appeal` for the appeal's decision), with the rationale both
    sides see; carried out at once: `refund_id` the refund it recorded, `return_id` the
    approved return a refund after return goes through (None when it made none)."""

    order: Order
    dispute: Dispute
    decision: Decision
    appeal: bool
    refund_id: int | None
    return_id: int | None
    at: datetime


@dataclass(frozen=True)
class DisputeAppealed:
    """D6: a side appealed the decision; a different agent decides."""

    order: Order
    dispute: Dispute
    party: Party
    reason: str
    at: datetime


@dataclass(frozen=True)
class DisputeResolved:
    """The dispute ended: accepted, silence (carried out), agreed, decided for good, or the
    appeal decided. `refund_id`/`return_id`: what carrying out the request made, if anything
    (a decision's own execution is in its DisputeDecided)."""

    order: Order
    dispute: Dispute
    refund_id: int | None
    return_id: int | None
    at: datetime


@dataclass(frozen=True)
class DisputeWithdrawn:
    """D7: the buyer withdrew the dispute before a decision."""

    order: Order
    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class DisputeReminderDue:
    """M2: the time came to remind `party` before a dispute deadline decides against them
    (`deadline` is its name: the sellers' answer, the end of negotiation, an information
    request's due date)."""

    order: Order
    dispute: Dispute
    deadline: str
    due_at: datetime
    party: Party
    at: datetime


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
