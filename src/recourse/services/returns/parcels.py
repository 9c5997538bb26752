"""S1/S2: parcels coming back to the seller before they reached the buyer.

A parcel refused at the door or returned by the carrier (S2), or stopped by the seller at the
buyer's request (S1), opens a return by itself — nobody approves it. When the carrier brings it
back, the seller has `returned_parcel_refund_days` days to confirm it; the refund comes then, or
by itself when that time runs out. The buyer may say why, which decides who pays the outbound
shipping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from recourse.domain.errors import NotFound
from recourse.domain.order import LineQuantities, Order, derive_status
from recourse.domain.parcel_returns import (
    check_parcel_reason,
    parcel_lines,
    parcel_refund_by,
    parcels_to_open,
    quote_parcel_return,
)
from recourse.domain.refund import RefundQuote, mark_refunded
from recourse.domain.returns import (
    REFUND_BY,
    REFUND_REMINDER,
    Condition,
    Return,
    ReturnKind,
    ReturnStatus,
    category_of,
    return_transition,
)
from recourse.domain.roles import SYSTEM, Actor, Role
from recourse.domain.shipment import Shipment, merged
from recourse.domain.timeline import TimelineEntry
from recourse.services.events import ParcelBack, ParcelReturning, ReturnRefunded
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.returns import NewReturn
from recourse.services.ports.unit_of_work import UnitOfWork


def return_ref(return_id: int) -> str:
    """F1: the cause reference of a refund a return caused."""
    return f"return:{return_id}"


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
    shipments: list[Shipment] = []
    for shipment_id in shipment_ids:
        shipment = uow.shipments.get(shipment_id, for_update=True)
        if shipment is None:
            raise NotFound("shipment_not_found", shipment_id=shipment_id)
        shipments.append(shipment)
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
    status = derive_status(order, now)
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="return.parcel_returning",
            from_state=str(status),
            to_state=str(status),
            data={
                "return_id": return_id,
                "kind": str(kind),
                "shipment_ids": [s.id for s in fresh],
                "lines": {str(x.line_id): x.quantity for x in lines},
            },
        )
    )
    _record(
        uow,
        ctx,
        ParcelReturning(order=order, ret=ret, shipment_ids=tuple(s.id for s in fresh), at=now),
    )
    return return_id


def parcel_back(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    shipment: Shipment,
    happened_at: datetime,
    actor: Actor,
    now: datetime,
) -> int | None:
    """S2, inside the caller's transaction: the carrier delivered the parcel back to the seller.
    Its return (opened now if the carrier never said it turned back) waits `refund_by` for the
    seller's confirmation; a return the seller already confirmed stays as it is."""
    return_id = shipment.return_id
    if return_id is None:
        return_id = open_parcel_return(
            uow,
            ctx,
            order=order,
            shipment_ids=[shipment.id],
            kind=ReturnKind.refused_delivery,
            actor=SYSTEM,
            now=now,
        )
    ret = uow.returns.get(return_id, for_update=True)
    assert ret is not None
    if ret.status is not ReturnStatus.parcel_returning:
        return return_id
    platform = uow.platform.policy()
    refund_by = parcel_refund_by(happened_at, platform.returned_parcel_refund_days)
    status = return_transition(ret.status, ReturnStatus.delivered)
    uow.returns.update(
        ret.id, status=status, delivered_at=happened_at, refund_by=refund_by, due_at=refund_by
    )
    schedule_deadline(uow, name=REFUND_BY, subject_id=ret.id, due_at=refund_by)
    schedule_reminder(
        uow,
        name=REFUND_REMINDER,
        subject_id=ret.id,
        due_at=refund_by,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )
    after = uow.returns.get(ret.id)
    assert after is not None
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="return.parcel_back",
            from_state=str(ret.status),
            to_state=str(status),
            data={"return_id": ret.id, "refund_by": refund_by.isoformat()},
        )
    )
    _record(uow, ctx, ParcelBack(order=order, ret=after, refund_by=refund_by, at=now))
    return ret.id


def parcel_quote(uow: UnitOfWork, order: Order, ret: Return) -> RefundQuote:
    """S2: what the parcel's return refunds now (the units; the outbound shipping by fault)."""
    return quote_parcel_return(order, ret.units, uow.refunds.so_far(order.id), fault=ret.fault)


def parcel_refund(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    ret: Return,
    actor: Actor,
    now: datetime,
    automatic: bool,
) -> int | None:
    """S2, inside the caller's transaction (order and return rows locked): the parcel is back —
    the seller confirmed it (`automatic=False`), or `refund_by` passed. Its units count as
    returned and refunded, the refund goes through the ledger, the return is `refunded`."""
    from recourse.services.refunds.ledger import record_refund

    target = return_transition(ret.status, ReturnStatus.refunded)
    quote = parcel_quote(uow, order, ret)
    refund_id: int | None = None
    if quote.total > 0:
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=ctx.gateway,
            cause_ref=return_ref(ret.id),
            reason=ret.reason or str(ret.kind),
        )
        order = merged(order, mark_refunded(order, quote))  # as record_refund saved it
    before = uow.orders.stored_status(order.id) or derive_status(order, now)
    changes = {line_id: _returned(order, line_id, count) for line_id, count in ret.units.items()}
    uow.orders.save_quantities(order.id, changes)
    after_status = refresh_status(uow, merged(order, changes), now)
    values: dict[str, object] = {
        "status": target,
        "refund_id": refund_id,
        "closed_at": now,
        "due_at": None,
    }
    if not automatic:
        values |= {"received_at": now, "condition": Condition.ok}
    uow.returns.update(ret.id, **values)
    after = uow.returns.get(ret.id)
    assert after is not None
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="return.refunded",
            from_state=str(before),
            to_state=str(after_status),
            reason="refund_by_passed" if automatic else "parcel_back",
            data={"return_id": ret.id, "kind": str(ret.kind), "refund_id": refund_id},
        )
    )
    _record(
        uow,
        ctx,
        ReturnRefunded(
            order=order,
            ret=after,
            refund_id=refund_id,
            quote=quote,
            automatic=automatic,
            at=now,
        ),
    )
    return refund_id


def _returned(order: Order, line_id: int, count: int) -> LineQuantities:
    qty = order.line(line_id).qty
    return replace(qty, returned=qty.returned + count)


def give_parcel_reason(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int, reason: str
) -> None:
    """S2: the buyer says why the parcel came back (once, before the refund); the reason's
    fault decides whether the outbound shipping is refunded."""
    from recourse.services.settle import settle_due

    now = ctx.clock.now()
    with uow:
        peek = uow.returns.get(return_id)
    if peek is None:
        raise NotFound("return_not_found", return_id=return_id)
    settle_due(uow, ctx, order_id=peek.order_id)
    with uow:
        order = load_order(uow, actor, peek.order_id, for_update=True)
        if actor.role is not Role.buyer or actor.user_id != order.buyer_id:
            raise NotFound("return_not_found", return_id=return_id)
        ret = uow.returns.get(return_id, for_update=True)
        assert ret is not None
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


def _record(
    uow: UnitOfWork, ctx: Context, event: ParcelReturning | ParcelBack | ReturnRefunded
) -> None:
    from recourse.services import subscribers

    subscribers.record(uow, ctx, event)
