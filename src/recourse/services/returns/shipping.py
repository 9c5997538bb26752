"""R3: the buyer sends the approved return back and says with which carrier; the parcel is a
shipment of its own (direction "return") that the carrier feed reports on like any other."""

from __future__ import annotations

from recourse.domain.return_rules import check_parcel_fields, check_step
from recourse.domain.returns import Return, ReturnStatus, check_buyer, return_transition
from recourse.domain.roles import Actor
from recourse.domain.shipment import ShipmentDirection, ShipmentLine
from recourse.services import settle, subscribers
from recourse.services.events import ReturnShipped
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.common import entry, load, save

SHIPPABLE = frozenset({ReturnStatus.approved})


def ship_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    return_id: int,
    carrier: str,
    tracking_number: str,
) -> Return:
    """R3: before `ship_by` (after it the return has closed: 409 with the date)."""
    now = ctx.clock.now()
    carrier, tracking_number = check_parcel_fields(carrier, tracking_number)
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_buyer(actor, buyer_id=order.buyer_id)
        check_step(ret, SHIPPABLE)
        return_transition(ret.status, ReturnStatus.shipped)
        shipment_id = uow.shipments.add(
            order.id,
            carrier=carrier,
            tracking_number=tracking_number,
            lines=[ShipmentLine(k, v) for k, v in sorted(ret.units.items())],
            shipped_at=now,
            direction=ShipmentDirection.back,
            return_id=ret.id,
        )
        after = save(
            uow,
            ret,
            status=ReturnStatus.shipped,
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=now,
            return_shipment_id=shipment_id,
        )
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "return.shipped",
                shipment_id=shipment_id,
                carrier=carrier,
                tracking_number=tracking_number,
            )
        )
        subscribers.record(uow, ctx, ReturnShipped(order=order, ret=after, at=now))
        uow.commit()
    return after
