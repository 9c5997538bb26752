"""§3 cancellation: who may cancel what, now or by asking; the explanation when not (C1)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from recourse.domain.errors import IllegalTransition, InvalidInput, RuleConflict
from recourse.domain.order import (
    LineQuantities,
    Order,
    OrderStatus,
    PaymentStatus,
    derive_status,
)
from recourse.domain.policy import BuyerCancel, PlatformPolicy, StorePolicy
from recourse.domain.reasons import Reason
from recourse.domain.refund import RefundedSoFar, RefundQuote, quote_cancellation


class CancellationStatus(StrEnum):
    pending_seller = "pending_seller"
    completed = "completed"
    approved = "approved"
    auto_approved = "auto_approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


CANCELLATION_TRANSITIONS: dict[CancellationStatus, frozenset[CancellationStatus]] = {
    CancellationStatus.pending_seller: frozenset(
        {
            CancellationStatus.approved,
            CancellationStatus.auto_approved,
            CancellationStatus.rejected,
            CancellationStatus.withdrawn,
        }
    ),
    CancellationStatus.completed: frozenset(),
    CancellationStatus.approved: frozenset(),
    CancellationStatus.auto_approved: frozenset(),
    CancellationStatus.rejected: frozenset(),
    CancellationStatus.withdrawn: frozenset(),
}

CANCELS_UNITS = frozenset(
    {CancellationStatus.completed, CancellationStatus.approved, CancellationStatus.auto_approved}
)


def cancellation_transition(
    current: CancellationStatus, target: CancellationStatus
) -> CancellationStatus:
    """C4/C10: a pending request is approved (by seller or silence), rejected or withdrawn."""
    if target not in CANCELLATION_TRANSITIONS[current]:
        raise IllegalTransition("cancellation", str(current), str(target))
    return target


class Initiator(StrEnum):
    buyer = "buyer"
    seller = "seller"
    system = "system"


class Mode(StrEnum):
    instant = "instant"
    request = "request"


def opening_status(mode: Mode) -> CancellationStatus:
    """C4: an instant cancellation is complete when made; a request waits for the seller."""
    if mode is Mode.request:
        return CancellationStatus.pending_seller
    return CancellationStatus.completed


def seller_is_told(initiator: Initiator) -> bool:
    """C11: the store hears of every completed cancellation it did not make itself."""
    return initiator is not Initiator.seller


class Alternative(StrEnum):
    ask_seller = "ask_seller"
    refuse_delivery = "refuse_delivery"
    return_after_delivery = "return_after_delivery"
    wait = "wait"
    cancel_whole_order = "cancel_whole_order"
    withdraw_request = "withdraw_request"
    contact_support = "contact_support"
    approve_request = "approve_request"


@dataclass(frozen=True, slots=True)
class Blocker:
    """C1: why not, in a code and its facts (JSON-able; the edge words them); when it lifts
    (if it will); what to do instead."""

    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    unblocks_at: datetime | None = None
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, slots=True)
class Eligibility:
    units: Mapping[int, int]
    mode: Mode | None = None
    blocker: Blocker | None = None
    respond_by: datetime | None = None
    seller_overdue: bool = False

    @property
    def allowed(self) -> bool:
        return self.blocker is None


def _whole(order: Order) -> dict[int, int]:
    return {line.id: line.qty.unshipped for line in order.lines if line.qty.unshipped}


def every_unshipped_unit(order: Order) -> dict[int, int]:
    """What cancelling "the order" cancels: each line's units that have not shipped."""
    return _whole(order)


def is_whole_order(order: Order, units: Mapping[int, int]) -> bool:
    """C7: the cancellation takes every unit still to ship (not some lines or quantities)."""
    return dict(units) == _whole(order)


def fully_cancelled(order: Order) -> bool:
    """§2: every unit ordered is cancelled, so the order itself is cancelled."""
    return all(line.qty.cancelled == line.qty.ordered for line in order.lines)


def requested_units(order: Order, lines: Mapping[int, int] | None) -> dict[int, int]:
    """None means every unshipped unit; otherwise validate line ids and quantities."""
    if lines is None:
        return _whole(order)
    units: dict[int, int] = {}
    for line_id, quantity in lines.items():
        order.line(line_id)
        if quantity <= 0:
            raise InvalidInput("lines.quantity", "cancellation.quantity_too_small")
        units[line_id] = quantity
    if not units:
        raise InvalidInput("lines", "cancellation.no_items")
    return units


def _state_blocker(order: Order, now: datetime) -> Blocker | None:
    status = derive_status(order, now)
    if status in (OrderStatus.cancelled, OrderStatus.closed) and not _whole(order):
        return Blocker("order_cancelled" if status is OrderStatus.cancelled else "order_closed")
    if status is OrderStatus.payment_review:
        return Blocker(
            "payment_under_review",
            unblocks_at=order.deadlines.review_until,
            alternatives=(Alternative.wait, Alternative.contact_support),
        )
    if not _whole(order):
        delivered = any(line.qty.delivered for line in order.lines)
        return Blocker(
            "already_shipped",
            alternatives=(Alternative.return_after_delivery,)
            if delivered
            else (
                Alternative.ask_seller,
                Alternative.refuse_delivery,
                Alternative.return_after_delivery,
            ),
        )
    return None


def _units_blocker(
    order: Order, units: Mapping[int, int], *, allow_partial: bool
) -> Blocker | None:
    for line_id, quantity in units.items():
        line = order.line(line_id)
        if quantity > line.qty.unshipped:
            return Blocker(
                "already_shipped",
                {"title": line.title, "cancellable": line.qty.unshipped},
                alternatives=(Alternative.ask_seller, Alternative.return_after_delivery),
            )
    whole = _whole(order)
    if dict(units) != whole and not allow_partial:
        shipped_some = any(line.qty.shipped for line in order.lines)
        return Blocker(
            "partial_cancel_not_allowed",
            {"shipped_some": shipped_some},
            alternatives=(Alternative.ask_seller, Alternative.return_after_delivery)
            if shipped_some
            else (Alternative.cancel_whole_order,),
        )
    return None


def seller_overdue(order: Order, now: datetime) -> bool:
    """C4: paid, nothing shipped yet, and the processing deadline has passed."""
    return (
        order.payment.status is PaymentStatus.captured
        and order.deadlines.ship_by is not None
        and now > order.deadlines.ship_by
    )


LATENESS_REASONS: frozenset[str] = frozenset({"not_shipped_in_time", "shipping_too_slow"})
"""C4/C5: reasons that blame the seller for being late; true only once ship-by has passed."""


def reason_offered(reason: Reason, order: Order, now: datetime) -> bool:
    """C5: a lateness reason is offered only when the seller is late (C4); the rest always."""
    return reason.code not in LATENESS_REASONS or seller_overdue(order, now)


def check_reason_offered(reason: Reason, order: Order, now: datetime) -> None:
    """C5: a buyer may not count a cancellation as the seller's lateness before ship-by."""
    if reason_offered(reason, order, now):
        return
    ship_by = order.deadlines.ship_by
    raise RuleConflict(
        "seller_not_late",
        field="reason",
        reason=reason.code,
        reason_label=reason.label,
        ship_by=ship_by.isoformat() if ship_by else None,
    )


def buyer_eligibility(
    order: Order,
    *,
    now: datetime,
    policy: StorePolicy,
    platform: PlatformPolicy,
    lines: Mapping[int, int] | None,
    pending_request: bool,
) -> Eligibility:
    """C1 to C4, C7, C9: can the buyer cancel these units now, must they ask, or why not."""
    blocker = _state_blocker(order, now)
    if blocker is not None:
        return Eligibility(units={}, blocker=blocker)
    if pending_request:
        return Eligibility(
            units={},
            blocker=Blocker(
                "request_pending",
                {"audience": "buyer"},
                alternatives=(Alternative.withdraw_request, Alternative.wait),
            ),
        )
    units = requested_units(order, lines)
    blocker = _units_blocker(order, units, allow_partial=policy.allow_partial_cancel)
    if blocker is not None:
        return Eligibility(units=units, blocker=blocker)
    if order.payment.status is not PaymentStatus.captured:
        return Eligibility(units=units, mode=Mode.instant)
    overdue = seller_overdue(order, now)
    captured_at = order.payment.captured_at
    in_grace = captured_at is not None and now < captured_at + timedelta(
        minutes=platform.cancel_grace_minutes
    )
    if in_grace or policy.buyer_cancel is BuyerCancel.instant or overdue:
        return Eligibility(units=units, mode=Mode.instant, seller_overdue=overdue)
    return Eligibility(
        units=units,
        mode=Mode.request,
        respond_by=now + timedelta(hours=policy.cancel_response_hours),
    )


def seller_eligibility(
    order: Order, *, now: datetime, lines: Mapping[int, int] | None, pending_request: bool
) -> Eligibility:
    """C8: a seller may cancel any unshipped units, with a seller reason, at once."""
    blocker = _state_blocker(order, now)
    if blocker is not None and blocker.code != "payment_under_review":
        return Eligibility(units={}, blocker=blocker)
    if pending_request:
        return Eligibility(
            units={},
            blocker=Blocker(
                "request_pending",
                {"audience": "seller"},
                alternatives=(Alternative.approve_request,),
            ),
        )
    units = requested_units(order, lines)
    blocker = _units_blocker(order, units, allow_partial=True)
    if blocker is not None:
        return Eligibility(units=units, blocker=blocker)
    return Eligibility(units=units, mode=Mode.instant)


def cancel_units(order: Order, units: Mapping[int, int]) -> dict[int, LineQuantities]:
    """The lines' quantities once `units` are cancelled."""
    return {
        line_id: replace(order.line(line_id).qty, cancelled=order.line(line_id).qty.cancelled + n)
        for line_id, n in units.items()
    }


def overdue_autocancel_at(order: Order, platform: PlatformPolicy) -> datetime | None:
    """C4: an order still unshipped this long after its ship-by deadline cancels itself."""
    if order.deadlines.ship_by is None:
        return None
    return order.deadlines.ship_by + timedelta(days=platform.overdue_autocancel_days)


def overdue_reminder_due(order: Order, now: datetime, platform: PlatformPolicy) -> bool:
    """M2/C4: the seller is still in time to ship before the overdue auto-cancel decides."""
    due = overdue_autocancel_at(order, platform)
    return (
        due is not None
        and now < due
        and order.payment.status is PaymentStatus.captured
        and all(line.qty.shipped == 0 for line in order.lines)
        and bool(_whole(order))
    )


def overdue_autocancel_due(order: Order, now: datetime, platform: PlatformPolicy) -> bool:
    due = overdue_autocancel_at(order, platform)
    return (
        due is not None
        and now >= due
        and order.payment.status is PaymentStatus.captured
        and all(line.qty.shipped == 0 for line in order.lines)
        and bool(_whole(order))
    )


def cancellation_quote(
    order: Order, units: Mapping[int, int], so_far: RefundedSoFar
) -> RefundQuote | None:
    """C6/C7: what cancelling `units` pays back; nothing to quote when nothing was captured."""
    if order.payment.status is not PaymentStatus.captured or not units:
        return None
    return quote_cancellation(order, units, so_far, after=cancel_units(order, units))


def refund_needed(quote: RefundQuote | None) -> TypeGuard[RefundQuote]:
    """F1: a cancellation creates a refund only when it pays something back."""
    return quote is not None and quote.total > 0


def quote_fingerprint(order: Order, units: Mapping[int, int], quote: RefundQuote | None) -> str:
    """C6: identifies exactly what the buyer saw; any change to the order changes it."""
    facts = {
        "order": order.id,
        "units": sorted(units.items()),
        "quantities": [(line.id, line.qty.cancelled, line.qty.shipped) for line in order.lines],
        "quote": None
        if quote is None
        else [quote.items, quote.tax, quote.shipping, quote.fees, quote.refundable_before],
    }
    return "q_" + hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:20]


def check_quote_current(
    seen: str | None, order: Order, units: Mapping[int, int], quote: RefundQuote | None
) -> str:
    """C6: confirming executes the quote the buyer saw; if the order changed in between, they
    are shown the new one instead. Returns the current quote's id."""
    fresh = quote_fingerprint(order, units, quote)
    if seen is not None and seen != fresh:
        raise RuleConflict(
            "quote_changed",
            quote_id=fresh,
            refund=quote.total if quote else 0,
            currency=order.currency,
        )
    return fresh
