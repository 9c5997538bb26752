"""S1/S2: parcels coming back to the seller before they reached the buyer.

A parcel refused at the door or returned by the carrier (S2), or stopped by the seller at the
buyer's request (S1), opens a return by itself — nobody approves it. When the carrier brings it
back (services/returns/receiving.py: `return_parcel_event`), the seller has
`returned_parcel_refund_days` days to confirm it (`receive_return`); the refund comes then, or by
itself when that time runs out. The buyer may say why, which decides who pays the outbound
shipping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from recourse.domain.errors import NotFound
from recourse.domain.order import Order, derive_status
from recourse.domain.parcel_returns import (
    check_parcel_reason,
    parcel_lines,
    parcels_to_open,
)
from recourse.domain.returns import (
    Return,
    ReturnKind,
    ReturnStatus,
    category_of,
    check_buyer,
)
from recourse.domain.roles import Actor
from recourse.domain.shipment import Shipment
from recourse.domain.timeline import TimelineEntry
from recourse.services import settle
from recourse.services.events import ParcelReturning
from recourse.services.ports.common import Context
from recourse.services.ports.returns import NewReturn
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.common import load


def open_parcel_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    shipment_ids: Sequence[int],
    kind: ReturnKind,
    actor: Actor,
    now: datetime,
) -> int:
    """S1/S2, inside the caller's transaction (order row locked): a return for the units the
    parcels carry, `parcel_returning` at once. Each parcel comes back once: parcels already in
    a return are left there, and when every one is, that return's id is given back."""
    shipments = [_locked_parcel(uow, shipment_id) for shipment_id in shipment_ids]
    fresh = parcels_to_open(order, shipments, kind)
    if not fresh:
        existing = shipments[0].return_id
        assert existing is not None
        return existing
    lines = parcel_lines(fresh)
    return_id = uow.returns.add(
        NewReturn(
            order_id=order.id,
            store_id=order.store_id,
            kind=kind,
            status=ReturnStatus.parcel_returning,
            lines=lines,
            created_at=now,
            requested_by_role=str(actor.role),
            requested_by_id=actor.user_id,
            outbound_shipment_id=fresh[0].id,
        )
    )
    for shipment in fresh:
        uow.shipments.set_return(shipment.id, return_id)
    ret = uow.returns.get(return_id)
    assert ret is not None
    uow.timeline.add(_opened_entry(order, ret, fresh, actor, now))
    _record(
        uow,
        ctx,
        ParcelReturning(order=order, ret=ret, shipment_ids=tuple(s.id for s in fresh), at=now),
    )
    return return_id


def _locked_parcel(uow: UnitOfWork, shipment_id: int) -> Shipment:
    shipment = uow.shipments.get(shipment_id, for_update=True)
    if shipment is None:
        raise NotFound("shipment_not_found", shipment_id=shipment_id)
    return shipment


def _opened_entry(
    order: Order, ret: Return, parcels: Sequence[Shipment], actor: Actor, now: datetime
) -> TimelineEntry:
    """The order's timeline: a parcel return opened; the order's status does not move."""
    status = str(derive_status(order, now))
    return TimelineEntry(
        order_id=order.id,
        at=now,
        actor=actor,
        action="return.parcel_returning",
        from_state=status,
        to_state=status,
        data={
            "return_id": ret.id,
            "kind": str(ret.kind),
            "shipment_ids": [s.id for s in parcels],
            "lines": {str(x.line_id): x.quantity for x in ret.lines},
        },
    )


def give_parcel_reason(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int, reason: str
) -> None:
    """S2: the order's buyer says why the parcel came back (once, before the refund); the
    reason's fault decides whether the outbound shipping is refunded. What a passed deadline
    decided applies first, so a reason given after the automatic refund gets 409."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_buyer(actor, buyer_id=order.buyer_id)
        chosen = check_parcel_reason(ret, uow.reasons.get(reason), reason)
        uow.returns.update(
            ret.id,
            reason=chosen.code,
            category=category_of(chosen),
            fault=chosen.fault,
        )
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="return.reason_given",
                from_state=str(ret.status),
                to_state=str(ret.status),
                reason=chosen.code,
                data={"return_id": ret.id, "fault": str(chosen.fault)},
            )
        )
        uow.commit()


def _record(uow: UnitOfWork, ctx: Context, event: ParcelReturning) -> None:
    from recourse.services import subscribers

    subscribers.record(uow, ctx, event)
