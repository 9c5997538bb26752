"""S1/S2: a parcel coming back to the seller before it reached the buyer — refused at the door,
returned by the carrier, or stopped by the seller at the buyer's request.

The return opens by itself (no seller approval): its lines are the units the parcel carries.
What it refunds is the units' price and tax; the outbound shipping goes back only when the
reason the buyer gives puts the fault on the seller, and then only the share of the order that
comes back, so several parcels coming back add up exactly to the shipping paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.money import prorate
from recourse.domain.order import Order
from recourse.domain.reasons import Fault, Reason, ReasonActor, check_reason
from recourse.domain.refund import (
    LineRefund,
    RefundCause,
    RefundedSoFar,
    RefundQuote,
    cap_parts,
    line_share,
    refundable,
)
from recourse.domain.returns import PARCEL_KINDS, Return, ReturnKind, ReturnLine, ReturnStatus
from recourse.domain.shipment import Shipment, ShipmentDirection, ShipmentStatus

# The carrier's word that a parcel can no longer come back: it reached the buyer, or the seller.
_ARRIVED = frozenset({ShipmentStatus.delivered, ShipmentStatus.delivered_to_sender})


def parcels_to_open(
    order: Order, shipments: Sequence[Shipment], kind: ReturnKind
) -> list[Shipment]:
    """S1/S2: the parcels a new parcel return covers — outbound parcels of this order that have
    not arrived anywhere and are not already coming back in another return (each parcel comes
    back once). An empty list means every parcel named is already coming back."""
    if kind not in PARCEL_KINDS:
        raise InvalidInput("kind", "parcel_return.kind_not_parcel", kind=str(kind))
    if not shipments:
        raise InvalidInput("shipment_ids", "parcel_return.no_parcels")
    fresh = []
    for shipment in shipments:
        if shipment.order_id != order.id:
            raise NotFound("shipment_not_found", shipment_id=shipment.id)
        if shipment.direction is not ShipmentDirection.outbound:
            raise RuleConflict("parcel_return.not_outbound", shipment_id=shipment.id)
        if shipment.return_id is not None:
            continue
        if shipment.status in _ARRIVED:
            raise RuleConflict(
                "parcel_return.parcel_arrived",
                shipment_id=shipment.id,
                parcel_status=str(shipment.status),
            )
        fresh.append(shipment)
    return fresh


def parcel_lines(shipments: Iterable[Shipment]) -> tuple[ReturnLine, ...]:
    """The units the parcels carry, one line per order line."""
    units: dict[int, int] = {}
    for shipment in shipments:
        for item in shipment.lines:
            units[item.line_id] = units.get(item.line_id, 0) + item.quantity
    return tuple(ReturnLine(line_id=k, quantity=v) for k, v in sorted(units.items()))


def parcel_refund_by(
    delivered_to_sender_at: datetime, returned_parcel_refund_days: int
) -> datetime:
    """S2: the seller has `returned_parcel_refund_days` days after the carrier reports the
    parcel back to confirm it; then the refund is issued anyway."""
    return delivered_to_sender_at + timedelta(days=returned_parcel_refund_days)


def parcel_reason_blocker(ret: Return) -> tuple[str, dict[str, object]] | None:
    """Why the buyer may not explain this return now (a code and its facts), or None: only a
    parcel coming back, once, before it is refunded."""
    if not ret.is_parcel:
        return "parcel_return.not_a_parcel", {"return_id": ret.id}
    if ret.status not in (ReturnStatus.parcel_returning, ReturnStatus.delivered):
        return "parcel_return.already_refunded", {"status": str(ret.status)}
    if ret.reason is not None:
        return "parcel_return.reason_given", {"reason": ret.reason}
    return None


def check_parcel_reason(ret: Return, reason: Reason | None, code: str) -> Reason:
    """S2: the buyer explains a parcel coming back once, before it is refunded, with a reason
    of the return catalogue (R1); its fault decides who pays the outbound shipping."""
    blocker = parcel_reason_blocker(ret)
    if blocker is not None:
        key, facts = blocker
        raise RuleConflict(key, **facts)
    return check_reason(reason, code, actor=ReasonActor.buyer, note=None, for_return=True)


def quote_parcel_return(
    order: Order,
    units: Mapping[int, int],
    so_far: RefundedSoFar,
    *,
    fault: Fault | None,
) -> RefundQuote:
    """S2: the units' price and tax (discount pro rata, as a cancellation); the outbound
    shipping only if the buyer's reason makes it the seller's fault, and then the share of the
    order's active units that comes back, counted cumulatively so that every parcel of the
    order coming back refunds exactly the shipping paid. Never more than is left (F2)."""
    lines = []
    for line_id, count in sorted(units.items()):
        line = order.line(line_id)
        if count <= 0:
            raise InvalidInput("lines.quantity", "refund.quantity_too_small")
        if line.qty.refunded + count > line.quantity:
            raise RuleConflict(
                "units_already_refunded",
                line_id=line_id,
                refundable_units=line.quantity - line.qty.refunded,
                title=line.title,
            )
        items, tax = line_share(line, line.qty.refunded, count)
        lines.append(LineRefund(line_id=line_id, quantity=count, items=items, tax=tax))
    items = sum(x.items for x in lines)
    tax = sum(x.tax for x in lines)
    shipping = 0
    if fault is Fault.seller:
        shipping = outbound_shipping_share(order, units, so_far)
    left = refundable(order, so_far)
    items, tax, shipping = cap_parts((items, tax, shipping), left)
    line_items = cap_parts([x.items for x in lines], items)
    line_tax = cap_parts([x.tax for x in lines], tax)
    return RefundQuote(
        # a parcel coming back refunds as a return does (a neutral "Return" for the buyer)
        cause=RefundCause.remorse_return,
        currency=order.currency,
        method=order.payment.method,
        lines=tuple(
            replace(x, items=i, tax=t) for x, i, t in zip(lines, line_items, line_tax, strict=True)
        ),
        items=items,
        tax=tax,
        shipping=shipping,
        fees=0,
        refundable_before=left,
    )


def outbound_shipping_share(order: Order, units: Mapping[int, int], so_far: RefundedSoFar) -> int:
    """The outbound shipping owed for `units` coming back: the order's shipping fee pro rata to
    the active units, counted from the units that already came back (cumulative, so the
    shares add up exactly to the fee), never more than the shipping not yet refunded."""
    whole = sum(line.qty.active for line in order.lines)
    if whole <= 0:
        return 0
    done = min(sum(line.qty.returned for line in order.lines), whole)
    end = min(done + sum(units.values()), whole)
    share = prorate(order.shipping_fee, end, whole) - prorate(order.shipping_fee, done, whole)
    return max(min(share, order.shipping_fee - so_far.shipping), 0)
