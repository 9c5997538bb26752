"""§4 returns: a buyer sending delivered units back (R1-R5), and a parcel coming back to the
seller before it reached the buyer — refused at the door or returned by the carrier (S2), or
stopped by the seller at the buyer's request (S1).

One record, `Return`, for all three kinds: they share the lines, the refund and the deadlines;
the kind decides which steps apply. Every deadline is stored on the return (`respond_by`,
`offer_answer_by`, `ship_by`, `refund_by`), and `due_at` is the one the current step waits
for, so the seller's inbox sorts on it and a read can tell what a passed deadline decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, NotAllowed
from recourse.domain.reasons import Fault, Reason
from recourse.domain.roles import Actor, Role


class ReturnKind(StrEnum):
    """Why units are on their way back."""

    buyer_return = "return"  # R1: the buyer asks to send delivered units back
    refused_delivery = "refused_delivery"  # S2: refused at the door, or returned by the carrier
    intercepted = "intercepted"  # S1: the seller stopped the parcel on the buyer's request


PARCEL_KINDS = frozenset({ReturnKind.refused_delivery, ReturnKind.intercepted})


class ReasonCategory(StrEnum):
    """R1: remorse reasons are the buyer's choice; not-as-described ones are the seller's fault."""

    remorse = "remorse"
    not_as_described = "not_as_described"


class ReturnStatus(StrEnum):
    requested = "requested"  # R2: waiting for the seller's answer until `respond_by`
    offered = "offered"  # R2: the seller offered a partial refund to keep the item
    approved = "approved"  # R3: the buyer ships back by `ship_by`
    declined = "declined"  # R2: the seller said no (the buyer may escalate)
    shipped = "shipped"  # R3: the buyer's parcel is with the carrier
    parcel_returning = "parcel_returning"  # S1/S2: the outbound parcel is on its way back
    delivered = "delivered"  # R4/S2: the carrier delivered it to the seller; `refund_by` runs
    refunded = "refunded"  # R4/S2: the refund is recorded
    offer_accepted = "offer_accepted"  # R2: the buyer kept the item for the offered amount
    problem = "problem"  # R4: the seller reported a problem with what came back
    closed = "closed"  # R3: not shipped back in time; no refund
    withdrawn = "withdrawn"  # the buyer gave up before shipping


FINAL_STATUSES = frozenset(
    {
        ReturnStatus.declined,
        ReturnStatus.refunded,
        ReturnStatus.offer_accepted,
        ReturnStatus.problem,
        ReturnStatus.closed,
        ReturnStatus.withdrawn,
    }
)

RETURN_TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    ReturnStatus.requested: frozenset(
        {
            ReturnStatus.approved,
            ReturnStatus.declined,
            ReturnStatus.offered,
            ReturnStatus.withdrawn,
        }
    ),
    # a declined or lapsed offer puts the request back to the seller, who may not offer again
    ReturnStatus.offered: frozenset(
        {ReturnStatus.offer_accepted, ReturnStatus.requested, ReturnStatus.withdrawn}
    ),
    ReturnStatus.approved: frozenset(
        {ReturnStatus.shipped, ReturnStatus.closed, ReturnStatus.withdrawn}
    ),
    ReturnStatus.shipped: frozenset(
        {
            ReturnStatus.delivered,
            ReturnStatus.refunded,
            ReturnStatus.problem,
        }
    ),
    ReturnStatus.parcel_returning: frozenset({ReturnStatus.delivered, ReturnStatus.refunded}),
    ReturnStatus.delivered: frozenset({ReturnStatus.refunded, ReturnStatus.problem}),
    ReturnStatus.declined: frozenset(),
    ReturnStatus.refunded: frozenset(),
    ReturnStatus.offer_accepted: frozenset(),
    ReturnStatus.problem: frozenset(),
    ReturnStatus.closed: frozenset(),
    ReturnStatus.withdrawn: frozenset(),
}


def return_transition(current: ReturnStatus, target: ReturnStatus) -> ReturnStatus:
    if target not in RETURN_TRANSITIONS[current]:
        raise IllegalTransition("return", str(current), str(target))
    return target


class Condition(StrEnum):
    """R4: what the seller found in the parcel that came back."""

    ok = "ok"
    problem = "problem"


class OfferStatus(StrEnum):
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    lapsed = "lapsed"


@dataclass(frozen=True, slots=True)
class ReturnLine:
    line_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Return:
    id: int
    order_id: int
    store_id: int
    kind: ReturnKind
    status: ReturnStatus
    lines: tuple[ReturnLine, ...]
    created_at: datetime
    requested_by_role: str
    requested_by_id: int | None = None
    reason: str | None = None
    category: ReasonCategory | None = None
    fault: Fault | None = None
    description: str | None = None
    # R2
    respond_by: datetime | None = None
    decided_at: datetime | None = None
    decided_by_role: str | None = None
    decided_by_id: int | None = None
    return_address: str | None = None
    decline_reason: str | None = None
    offer_amount: int | None = None
    offer_status: OfferStatus | None = None
    offer_answer_by: datetime | None = None
    # R3
    ship_by: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    return_shipment_id: int | None = None
    # S1/S2: the outbound parcel that is coming back
    outbound_shipment_id: int | None = None
    # R4/S2
    delivered_at: datetime | None = None
    refund_by: datetime | None = None
    received_at: datetime | None = None
    condition: Condition | None = None
    problem_note: str | None = None
    refund_id: int | None = None
    closed_at: datetime | None = None
    # the deadline the current step waits for (None when nothing waits on a clock)
    due_at: datetime | None = None

    @property
    def units(self) -> dict[int, int]:
        return {x.line_id: x.quantity for x in self.lines}

    @property
    def is_parcel(self) -> bool:
        return self.kind in PARCEL_KINDS

    @property
    def open(self) -> bool:
        return self.status not in FINAL_STATUSES


# Deadline names (the outbox names them the same way; services/deadlines.py maps each).
RESPOND_BY = "return.respond_by"
RESPOND_REMINDER = "return.respond_reminder"
OFFER_ANSWER_BY = "return.offer_answer_by"
SHIP_BY = "return.ship_by"
SHIP_REMINDER = "return.ship_reminder"
REFUND_BY = "return.refund_by"
REFUND_REMINDER = "return.refund_reminder"

# A return's description: the buyer's words, kept short enough to read at a glance.
DESCRIPTION_MAX = 2000
ADDRESS_MAX = 1000
PARCEL_FIELD_MAX = 100
# R1: a buyer return's units (R1: up to 6 photos or PDFs are checked by the evidence rules).
OPEN_OR_DONE = frozenset(
    {
        ReturnStatus.requested,
        ReturnStatus.offered,
        ReturnStatus.approved,
        ReturnStatus.shipped,
        ReturnStatus.parcel_returning,
        ReturnStatus.delivered,
        ReturnStatus.refunded,
        ReturnStatus.offer_accepted,
        ReturnStatus.problem,
    }
)


def category_of(reason: Reason) -> ReasonCategory:
    """R1: a return reason's category; a reason without one counts as the seller's fault only
    when the catalogue says so."""
    if reason.category is not None:
        return ReasonCategory(reason.category)
    return (
        ReasonCategory.not_as_described if reason.fault is Fault.seller else ReasonCategory.remorse
    )


def due_at_of(r: Return) -> datetime | None:
    """The deadline the return's current step waits for (None when no clock runs)."""
    match r.status:
        case ReturnStatus.requested:
            return r.respond_by
        case ReturnStatus.offered:
            return r.offer_answer_by
        case ReturnStatus.approved:
            return r.ship_by
        case ReturnStatus.delivered:
            return r.refund_by
        case _:
            return None


DEADLINE_OF_STATUS: dict[ReturnStatus, str] = {
    ReturnStatus.requested: RESPOND_BY,
    ReturnStatus.offered: OFFER_ANSWER_BY,
    ReturnStatus.approved: SHIP_BY,
    ReturnStatus.delivered: REFUND_BY,
}


@dataclass(frozen=True, slots=True)
class ReturnDue:
    """A return's passed deadline whose consequence is still to apply."""

    name: str
    return_id: int
    at: datetime


def return_due(r: Return, now: datetime) -> ReturnDue | None:
    """§10: what a passed deadline decides for this return, if anything is still to apply:
    silence approves (R2), an unanswered offer lapses (R2), a parcel not sent closes the
    return (R3), a delivered return the seller left alone is refunded (R4)."""
    due = due_at_of(r)
    name = DEADLINE_OF_STATUS.get(r.status)
    if due is None or name is None or now < due:
        return None
    return ReturnDue(name, r.id, due)


def check_seller(actor: Actor, *, store_id: int) -> None:
    """R2/R4: the store's sellers answer a return and confirm what came back."""
    if not (actor.role is Role.seller and store_id in actor.store_ids):
        raise NotAllowed("return_not_staff")


def check_buyer(actor: Actor, *, buyer_id: int) -> None:
    """R1/R3: the order's buyer asks, answers an offer, ships and withdraws."""
    if not (actor.role is Role.buyer and actor.user_id == buyer_id):
        raise NotAllowed("return_not_buyer")
