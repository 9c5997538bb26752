"""Parcels: the seller ships, the carrier reports, protection runs out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from recourse.domain.cancellation_request import check_shipping_allowed
from recourse.domain.deadlines import check_not_autocancelled
from recourse.domain.errors import NotFound
from recourse.domain.order import Order, derive_status
from recourse.domain.returns import ReturnKind
from recourse.domain.roles import SYSTEM, Actor, OperatorTask, check_can_ship, check_operator
from recourse.domain.shipment import (
    TURNED_BACK,
    CarrierEvent,
    Shipment,
    ShipmentDirection,
    ShipmentLine,
    ShipmentStatus,
    apply_carrier_event,
    check_event_time,
    merged,
    plan_shipment,
    protection_end,
)
from recourse.domain.timeline import TimelineEntry
from recourse.services.events import Happened, OrderDelivered, OrderShipped
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork

PROTECTION_ENDS = "order.protection_ends"
PROTECTION_REMINDER = "order.protection_reminder"


def ship_order(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    lines: Sequence[ShipmentLine],
    carrier: str,
    tracking_number: str,
) -> int:
    """C9: only unshipped, uncancelled units ship, and none while the buyer's cancellation
    request for them waits for an answer; the first parcel starts buyer protection. What a
    passed deadline decided applies first (§10), so an overdue order cannot ship."""
    # Imported here: settling runs the cancellation handlers, which record parcels through
    # this module.
    from recourse.services.settle import settle_due

    now = ctx.clock.now()
    settle_due(uow, ctx, order_id=order_id)
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        check_can_ship(actor, store_id=order.store_id)
        check_not_autocancelled(order, uow.platform.policy(), now)
        check_shipping_allowed(
            uow.cancellations.pending_for_order(order.id), [item.line_id for item in lines]
        )
        shipment_id = record_shipment(
            uow,
            ctx,
            actor=actor,
            order=order,
            lines=lines,
            carrier=carrier,
            tracking_number=tracking_number,
            now=now,
        )
        uow.commit()
    return shipment_id


def record_shipment(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order: Order,
    lines: Sequence[ShipmentLine],
    carrier: str,
    tracking_number: str,
    now: datetime,
) -> int:
    """Inside the caller's transaction (order row locked): the parcel, quantities, protection
    deadline, timeline, and the fact that the parcel left (the buyer's email, `order.shipped`)."""
    before = derive_status(order, now)
    changes = plan_shipment(order, lines, carrier=carrier, tracking_number=tracking_number)
    shipment_id = uow.shipments.add(
        order.id,
        carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        lines=lines,
        shipped_at=now,
    )
    uow.orders.save_quantities(order.id, changes)
    after_order = merged(order, changes)
    if order.first_shipped_at is None:
        after_order = _start_protection(uow, after_order, now)
    after = refresh_status(uow, after_order, now)
    units = {item.line_id: item.quantity for item in lines}
    parcel = {
        "shipment_id": shipment_id,
        "carrier": carrier.strip(),
        "tracking_number": tracking_number.strip(),
    }
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="shipment.created",
            from_state=str(before),
            to_state=str(after),
            data={**parcel, "lines": {str(k): v for k, v in units.items()}},
        )
    )
    _record(
        uow,
        ctx,
        OrderShipped(
            order=order,
            shipment_id=shipment_id,
            units=units,
            carrier=carrier.strip(),
            tracking_number=tracking_number.strip(),
            at=now,
        ),
    )
    return shipment_id


def _start_protection(uow: UnitOfWork, order: Order, now: datetime) -> Order:
    """§2: the first parcel starts buyer protection, which ends the order when it runs out."""
    platform = uow.platform.policy()
    ends = protection_end(now, platform.protection_days)
    uow.orders.set_first_shipped(order.id, now)
    deadlines = replace(order.deadlines, protection_ends_at=ends)
    uow.orders.save_deadlines(order.id, deadlines)
    schedule_deadline(uow, name=PROTECTION_ENDS, subject_id=order.id, due_at=ends)
    schedule_reminder(
        uow,
        name=PROTECTION_REMINDER,
        subject_id=order.id,
        due_at=ends,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )
    return replace(order, first_shipped_at=now, deadlines=deadlines)


def record_carrier_event(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    shipment_id: int,
    event: CarrierEvent,
    at: datetime | None = None,
) -> ShipmentStatus:
    """The carrier feed moves a parcel; delivery delivers its units and tells the buyer; a
    parcel refused or returned to sender opens its return by itself, and once delivered back
    to the seller the refund clock runs (S2); a buyer's return parcel is the return's (R3/R4).
    What a passed deadline decided applies first (§10), so a protection that ran out while the
    worker was down completes the order before a late report is recorded."""
    # Imported here: settling runs the cancellation handlers, which record parcels through
    # this module.
    from recourse.services.settle import settle_due

    check_operator(actor, OperatorTask.report_parcel_events)
    now = ctx.clock.now()
    happened = at or now
    with uow:
        peek = uow.shipments.get(shipment_id)
    if peek is None:
        raise NotFound("shipment_not_found", shipment_id=shipment_id)
    settle_due(uow, ctx, order_id=peek.order_id)
    with uow:
        order = load_order(uow, actor, peek.order_id, for_update=True)
        shipment = uow.shipments.get(shipment_id, for_update=True)
        assert shipment is not None
        check_event_time(happened, now=now, shipped_at=shipment.shipped_at)
        before = derive_status(order, now)
        status, changes = apply_carrier_event(order, shipment, event)
        uow.shipments.set_status(shipment.id, status)
        uow.shipments.add_event(shipment.id, str(event), happened, now)
        if changes:
            uow.orders.save_quantities(order.id, changes)
        after = refresh_status(uow, merged(order, changes), now)
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action=f"parcel.{event}",
                from_state=str(before),
                to_state=str(after),
                data={
                    "shipment_id": shipment.id,
                    "carrier": shipment.carrier,
                    "tracking_number": shipment.tracking_number,
                    "happened_at": happened.isoformat(),
                },
            )
        )
        _follow_up(uow, ctx, order, shipment, status, event, happened, now)
        uow.commit()
    return status


def _follow_up(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    shipment: Shipment,
    status: ShipmentStatus,
    event: CarrierEvent,
    happened: datetime,
    now: datetime,
) -> None:
    """What the parcel's new state sets off: a buyer's parcel back is the return's; an outbound
    parcel delivered tells the buyer; turned back, it opens its return by itself (S2); back with
    the seller, the refund clock runs (a parcel nobody said turned back opens its return now)."""
    from recourse.services.returns.parcels import open_parcel_return

    if shipment.direction is ShipmentDirection.back:
        _return_parcel_event(uow, ctx, order, shipment, event, happened, now)
    elif status is ShipmentStatus.delivered:
        _record(uow, ctx, OrderDelivered(order=order, shipment=shipment, at=now))
    elif status in TURNED_BACK or status is ShipmentStatus.delivered_to_sender:
        return_id = shipment.return_id or open_parcel_return(
            uow,
            ctx,
            order=order,
            shipment_ids=[shipment.id],
            kind=ReturnKind.refused_delivery,
            actor=SYSTEM,
            now=now,
        )
        if status is ShipmentStatus.delivered_to_sender:
            back = replace(shipment, return_id=return_id)
            _return_parcel_event(uow, ctx, order, back, event, happened, now)


def _return_parcel_event(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    shipment: Shipment,
    event: CarrierEvent,
    happened: datetime,
    now: datetime,
) -> None:
    """R3/R4/S2: the carrier reports on a parcel that carries a return (a buyer's parcel
    back, or an outbound one delivered back to the seller); the return takes it from there."""
    from recourse.services.returns.receiving import return_parcel_event

    if shipment.return_id is None:
        return
    ret = uow.returns.get(shipment.return_id, for_update=True)
    assert ret is not None
    return_parcel_event(
        uow,
        ctx,
        order=order,
        ret=ret,
        shipment_id=shipment.id,
        event=event,
        happened_at=happened,
        now=now,
    )


def _record(uow: UnitOfWork, ctx: Context, event: Happened) -> None:
    """STYLE 10: what happened, to its subscribers. Imported here: the subscribers' table
    reaches the cancellation package, which records parcels through this module."""
    from recourse.services import subscribers

    subscribers.record(uow, ctx, event)


def protection_ended(uow: UnitOfWork, ctx: Context, *, order_id: int) -> None:
    """§2: when protection runs out the order completes; fired once, late if the worker was down.
    The status is derived with the order's cases and refunds, so an order they already closed
    stays closed."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        if order is None:
            return
        previous = uow.orders.stored_status(order.id)
        status = refresh_status(uow, order, now)
        if previous != status:
            uow.timeline.add(
                TimelineEntry(
                    order_id=order.id,
                    at=now,
                    actor=SYSTEM,
                    action="order.completed",
                    from_state=previous,
                    to_state=str(status),
                    reason="protection_ended",
                )
            )
        uow.commit()
