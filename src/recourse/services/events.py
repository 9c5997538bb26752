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

from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote
from recourse.domain.settlement import ExpectedBy
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.refunds import Refund
from recourse.services.ports.unit_of_work import UnitOfWork


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
class CancellationCompleted:
    """C7: a cancellation took effect (`event` is its webhook type), with the refund it made."""

    order: Order
    cancellation: Cancellation
    event: str
    whole: bool
    quote: RefundQuote | None
    refund_id: int | None
    at: datetime


EVENT_TYPES: dict[str, str] = {
    "refund.created": "A refund was recorded and will be sent to the payment provider.",
    "refund.processing": "The payment provider accepted a refund.",
    "refund.succeeded": "The money left the platform; carries the trace number when known.",
    "refund.failed": "The payment provider refused a refund, or it kept failing.",
    "order.shipped": "A parcel of the order left with the carrier.",
    "order.delivered": "The carrier reports a parcel delivered.",
    "order.cancelled": "Every line of the order was cancelled.",
    "order.lines_cancelled": "Units of some lines were cancelled: SKUs and quantities to restock.",
    "cancellation.requested": "A buyer asked the seller to cancel; carries the answer-by time.",
    "cancellation.approved": "A cancellation took effect (at once, or the seller approved).",
    "cancellation.rejected": "The seller rejected a cancellation request, with the reason.",
    "cancellation.expired": "The seller did not answer in time; the request was approved.",
    "cancellation.withdrawn": "The buyer withdrew a cancellation request.",
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
