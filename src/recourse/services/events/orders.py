"""The facts of cancellations, refunds, orders and their parcels, and buyer protection
(C, F, §2, M2): what a use case records; services/subscribers.py tells whom."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote, RefundStatus
from recourse.domain.settlement import ExpectedBy
from recourse.domain.shipment import Shipment
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.protection import ProtectionExtension
from recourse.services.ports.refunds import Refund

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
