"""§4 returns: a buyer sending delivered units back (R1-R5), and a parcel coming back to the
seller before it reached the buyer — refused at the door or returned by the carrier (S2), or
stopped by the seller at the buyer's request (S1).

One record, `Return`, for all three kinds: they share the lines, the refund and the deadlines;
the kind decides which steps apply. Every deadline is stored on the return (`respond_by`,
`offer_answer_by`, `ship_by`, `refund_by`), and `due_at` is the one the current step waits
for, so the seller's inbox sorts on it and a read can tell what a passed deadline decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from recourse.domain.calendar import SAT_SUN, IsHoliday, add_business_days_at
from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.order import Order
from recourse.domain.policy import PlatformPolicy, StorePolicy
from recourse.domain.reasons import Fault, Reason
from recourse.domain.refund import RefundedSoFar, RefundQuote, cap_parts, quote_return
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


def window_ends_at(delivered_at: datetime, policy: StorePolicy) -> datetime:
    """R1: the last moment a remorse return may be asked for."""
    return delivered_at + timedelta(days=policy.return_window_days)


def returnable_units(order: Order, returns: Sequence[Return]) -> dict[int, int]:
    """R1: per line, the delivered units not already in an open or settled buyer return (units
    a buyer kept for an accepted offer stay kept). Parcels that came back carried units that
    were never delivered, so they take nothing from what was."""
    taken: dict[int, int] = {}
    for r in returns:
        if r.kind is ReturnKind.buyer_return and r.status in OPEN_OR_DONE:
            for x in r.lines:
                taken[x.line_id] = taken.get(x.line_id, 0) + x.quantity
    result = {}
    for line in order.lines:
        left = line.qty.delivered - taken.get(line.id, 0)
        if left > 0:
            result[line.id] = left
    return result


def check_lines(order: Order, lines: Sequence[ReturnLine], returnable: Mapping[int, int]) -> None:
    """R1: some units, each on the order, none more than can still go back."""
    if not lines:
        raise InvalidInput("lines", "return.no_lines")
    seen: set[int] = set()
    for x in lines:
        if x.line_id in seen:
            raise InvalidInput("lines.line_id", "return.line_twice", line_id=x.line_id)
        seen.add(x.line_id)
        if x.quantity <= 0:
            raise InvalidInput("lines.quantity", "return.quantity_too_small", line_id=x.line_id)
        line = order.line(x.line_id)
        if x.quantity > returnable.get(x.line_id, 0):
            raise RuleConflict(
                "units_not_returnable",
                line_id=x.line_id,
                title=line.title,
                returnable_units=returnable.get(x.line_id, 0),
            )


def check_eligibility(
    order: Order,
    *,
    reason: Reason,
    policy: StorePolicy,
    delivered_at: datetime | None,
    returns: Sequence[Return],
    now: datetime,
) -> ReasonCategory:
    """R1: a return of delivered units; one open buyer return at a time; remorse only if the
    store accepts it and within its window; not-as-described until protection ends. Refusals
    carry the date that decided them."""
    if delivered_at is None or not any(line.qty.delivered for line in order.lines):
        raise RuleConflict("return_nothing_delivered")
    for r in returns:
        if r.kind is ReturnKind.buyer_return and r.open:
            raise RuleConflict("return_already_open", return_id=r.id, status=str(r.status))
    category = category_of(reason)
    ends = order.deadlines.protection_ends_at
    if category is ReasonCategory.remorse:
        if not policy.accepts_remorse_returns:
            raise RuleConflict("remorse_not_accepted", reason=reason.code)
        closes = window_ends_at(delivered_at, policy)
        if now >= closes:
            raise RuleConflict(
                "return_window_closed",
                window_ends_at=closes.isoformat(),
                window_days=policy.return_window_days,
            )
    elif order.receipt_confirmed_at is not None or (ends is not None and now >= ends):
        raise RuleConflict(
            "return_protection_ended",
            protection_ends_at=(ends or order.receipt_confirmed_at or now).isoformat(),
        )
    return category


def check_description(description: str | None, category: ReasonCategory) -> str | None:
    """R1: the buyer says what is wrong with a not-as-described item; never too long."""
    text = (description or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("description", "return.description_too_long", max=DESCRIPTION_MAX)
    if category is ReasonCategory.not_as_described and not text:
        raise InvalidInput("description", "return.description_needed")
    return text or None


def check_address(address: str | None) -> str:
    """R2: an approval names where the parcel goes."""
    text = (address or "").strip()
    if not text:
        raise InvalidInput("return_address", "return.address_needed")
    if len(text) > ADDRESS_MAX:
        raise InvalidInput("return_address", "return.address_too_long", max=ADDRESS_MAX)
    return text


def business_deadline(
    moment: datetime, days: int, is_holiday: IsHoliday, weekend: frozenset[int] = SAT_SUN
) -> datetime:
    """R2/R4: `days` business days after `moment` (in the zone `moment` is in: the buyer's, as
    refunds count them), at the same wall-clock time."""
    return add_business_days_at(moment, days, is_holiday, weekend)


def ship_by_from(approved_at: datetime, platform: PlatformPolicy) -> datetime:
    """R3: the buyer ships within `return_ship_days` of the approval."""
    return approved_at + timedelta(days=platform.return_ship_days)


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


def check_step(r: Return, expected: frozenset[ReturnStatus]) -> None:
    """The return is at a step where this action applies; a passed deadline that moved it on
    is named with its date (409), so a late answer learns why."""
    if r.status in expected:
        return
    if (
        ReturnStatus.requested in expected
        and r.status is ReturnStatus.approved
        and r.decided_by_role == "system"
        and r.respond_by is not None
    ):
        raise RuleConflict("return_respond_by_passed", respond_by=r.respond_by.isoformat())
    if (
        ReturnStatus.offered in expected
        and r.offer_status is OfferStatus.lapsed
        and r.offer_answer_by is not None
    ):
        raise RuleConflict(
            "return_offer_answer_by_passed", offer_answer_by=r.offer_answer_by.isoformat()
        )
    if ReturnStatus.approved in expected and r.status is ReturnStatus.closed and r.ship_by:
        raise RuleConflict("return_ship_by_passed", ship_by=r.ship_by.isoformat())
    if (
        ReturnStatus.delivered in expected
        and r.status is ReturnStatus.refunded
        and r.received_at is None
        and r.refund_by is not None
    ):
        raise RuleConflict("return_refund_by_passed", refund_by=r.refund_by.isoformat())
    raise RuleConflict("return_not_at_step", status=str(r.status))


def check_offer(r: Return, amount: int, quote: RefundQuote) -> None:
    """R2: one offer per return, of a positive amount below the full refund of the return."""
    if r.offer_status is not None:
        raise RuleConflict("return_offer_made_once", offer_status=str(r.offer_status))
    if amount <= 0:
        raise InvalidInput("amount", "return.offer_not_positive")
    if amount >= quote.total:
        raise InvalidInput(
            "amount", "return.offer_not_partial", full=quote.total, currency=quote.currency
        )


def quote_buyer_return(
    order: Order,
    units: Mapping[int, int],
    so_far: RefundedSoFar,
    *,
    category: ReasonCategory,
    policy: StorePolicy,
) -> RefundQuote:
    """R5: the return shipping is the order's own shipping fee (the platform's flat estimate of
    sending that parcel back). F2 comes first: never more than is left of the capture, the
    shipping giving way before the items."""
    quote = quote_return(
        order,
        units,
        so_far,
        not_as_described=category is ReasonCategory.not_as_described,
        return_shipping=order.shipping_fee,
        restocking_fee_percent=policy.restocking_fee_percent,
        buyer_pays_return_shipping=policy.buyer_pays_remorse_return_shipping,
    )
    if quote.total <= quote.refundable_before:
        return quote
    excess = quote.total - max(quote.refundable_before, 0)
    shipping = quote.shipping - min(quote.shipping, excess)
    excess -= quote.shipping - shipping
    items, tax = cap_parts((quote.items, quote.tax), max(quote.items + quote.tax - excess, 0))
    line_items = cap_parts([x.items for x in quote.lines], items)
    line_tax = cap_parts([x.tax for x in quote.lines], tax)
    return replace(
        quote,
        items=items,
        tax=tax,
        shipping=shipping,
        lines=tuple(
            replace(x, items=i, tax=t)
            for x, i, t in zip(quote.lines, line_items, line_tax, strict=True)
        ),
    )


def check_seller(actor: Actor, *, store_id: int) -> None:
    """R2/R4: the store's sellers answer a return and confirm what came back."""
    if not (actor.role is Role.seller and store_id in actor.store_ids):
        raise NotAllowed("return_not_staff")


def check_buyer(actor: Actor, *, buyer_id: int) -> None:
    """R1/R3: the order's buyer asks, answers an offer, ships and withdraws."""
    if not (actor.role is Role.buyer and actor.user_id == buyer_id):
        raise NotAllowed("return_not_buyer")


def check_problem_note(note: str | None) -> str:
    """R4: a problem with what came back is described."""
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", "return.problem_note_needed")
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("note", "return.note_too_long", max=DESCRIPTION_MAX)
    return text


def check_parcel_fields(carrier: str | None, tracking_number: str | None) -> tuple[str, str]:
    """R3: the return parcel's carrier and tracking number, as a parcel's (C9)."""
    name, number = (carrier or "").strip(), (tracking_number or "").strip()
    if not name:
        raise InvalidInput("carrier", "carrier_missing")
    if not number:
        raise InvalidInput("tracking_number", "tracking_number_missing")
    if len(name) > PARCEL_FIELD_MAX:
        raise InvalidInput("carrier", "return.field_too_long", max=PARCEL_FIELD_MAX)
    if len(number) > PARCEL_FIELD_MAX:
        raise InvalidInput("tracking_number", "return.field_too_long", max=PARCEL_FIELD_MAX)
    return name, number
