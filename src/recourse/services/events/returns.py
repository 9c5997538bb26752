"""The facts of buyer returns (R1-R5) and parcels coming back (S1, S2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote
from recourse.domain.returns import Return

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
