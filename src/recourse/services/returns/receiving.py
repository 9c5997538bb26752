"""R4/S2: the parcel reaches the seller, who confirms what came back; the refund follows at
once, or when `refund_by` passes without a word (§10).

`return_parcel_event` is not a use case: the carrier feed (services/shipping.py) calls it in
its own transaction when a return parcel (or an outbound parcel coming back) moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from recourse.domain.errors import InvalidInput
from recourse.domain.order import Order
from recourse.domain.parcel_returns import parcel_refund_by
from recourse.domain.refund import return_ref
from recourse.domain.return_rules import check_problem_note, check_step
from recourse.domain.returns import (
    REFUND_BY,
    REFUND_REMINDER,
    Condition,
    Return,
    ReturnStatus,
    check_seller,
    return_transition,
)
from recourse.domain.roles import SYSTEM, Actor
from recourse.domain.shipment import CarrierEvent, merged
from recourse.services import settle, subscribers
from recourse.services.events import ReturnDelivered, ReturnReceived, ReturnRefunded
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import record_refund
from recourse.services.returns.common import (
    attach_files,
    business_days_after,
    entry,
    load,
    quote_of,
    save,
    store_policy,
)

RECEIVABLE = frozenset(
    {ReturnStatus.shipped, ReturnStatus.delivered, ReturnStatus.parcel_returning}
)


def return_parcel_event(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    ret: Return,
    shipment_id: int,
    event: CarrierEvent,
    happened_at: datetime,
    now: datetime,
) -> None:
    """R4/S2, in the carrier feed's transaction (order and return locked by the caller): the
    parcel reached the seller — `delivered` for a buyer's return parcel, `delivered_to_sender`
    for an outbound parcel coming back — so `refund_by` starts to run, with a reminder to the
    sellers before it. Any other event only goes on the timeline. A report about a return the
    seller already confirmed changes nothing."""
    arrived = (event is CarrierEvent.delivered and not ret.is_parcel) or (
        event is CarrierEvent.delivered_to_sender and ret.is_parcel
    )
    where: dict[str, Any] = {"shipment_id": shipment_id, "happened_at": happened_at.isoformat()}
    if not arrived or ret.status not in (ReturnStatus.shipped, ReturnStatus.parcel_returning):
        uow.timeline.add(entry(order, ret, SYSTEM, now, f"return.parcel_{event}", **where))
        return
    platform = uow.platform.policy()
    if ret.is_parcel:
        refund_by = parcel_refund_by(happened_at, platform.returned_parcel_refund_days)
    else:
        refund_by = business_days_after(
            uow, ctx, order, happened_at, platform.refund_after_receipt_business_days
        )
    return_transition(ret.status, ReturnStatus.delivered)
    after = save(
        uow, ret, status=ReturnStatus.delivered, delivered_at=happened_at, refund_by=refund_by
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
    uow.timeline.add(
        entry(
            order, after, SYSTEM, now, "return.delivered", refund_by=refund_by.isoformat(), **where
        )
    )
    subscribers.record(uow, ctx, ReturnDelivered(order=order, ret=after, at=now))


def _count_returned(uow: UnitOfWork, order: Order, ret: Return) -> Order:
    """The return's units count as returned (the ledger counted them refunded)."""
    current = uow.orders.get(order.id)
    assert current is not None
    changes = {
        line_id: replace(current.line(line_id).qty, returned=current.line(line_id).qty.returned + n)
        for line_id, n in ret.units.items()
    }
    uow.orders.save_quantities(order.id, changes)
    return merged(current, changes)


def refund_return(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    ret: Return,
    actor: Actor,
    now: datetime,
    *,
    automatic: bool,
    **values: object,
) -> Return:
    """R4/R5 in the caller's transaction: the refund (recomputed now) goes through the ledger,
    the units count as returned and refunded, and the return is refunded."""
    quote = quote_of(uow, order, ret, store_policy(uow, order, now))
    refund_id = None
    if quote.total > 0:
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=ctx.gateway,
            cause_ref=return_ref(ret.id),
            reason=ret.reason,
        )
    after_order = _count_returned(uow, order, ret)
    return_transition(ret.status, ReturnStatus.refunded)
    after = save(uow, ret, status=ReturnStatus.refunded, refund_id=refund_id, **values)
    status = refresh_status(uow, after_order, now)
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "return.refunded",
            refund_id=refund_id,
            amount=quote.total,
            currency=quote.currency,
            automatic=automatic,
            units={str(k): v for k, v in ret.units.items()},
            order_status=str(status),
        )
    )
    refunded = ReturnRefunded(
        order=after_order, ret=after, refund_id=refund_id, quote=quote, automatic=automatic, at=now
    )
    subscribers.record(uow, ctx, refunded)
    return after


def _report_problem(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    ret: Return,
    actor: Actor,
    now: datetime,
    *,
    note: str,
    file_ids: Sequence[int],
) -> Return:
    """R4: what came back is not right: flagged to support with the seller's note and photos,
    and a `return_refused` dispute opened for the buyer, straight with support
    (services/disputes/on_problem.py)."""
    return_transition(ret.status, ReturnStatus.problem)
    after = save(
        uow,
        ret,
        status=ReturnStatus.problem,
        received_at=now,
        condition=Condition.problem,
        problem_note=note,
    )
    attach_files(uow, actor, order.id, ret.id, file_ids, now)
    refresh_status(uow, order, now)
    uow.timeline.add(entry(order, after, actor, now, "return.problem", note=note))
    subscribers.record(uow, ctx, ReturnReceived(order=order, ret=after, at=now))
    # SPEC R4: the problem opens a dispute, which support decides. Imported here: disputes
    # carry out returns (a decision's refund after return), so the two packages meet both ways
    from recourse.services.disputes.on_problem import open_on_problem

    open_on_problem(uow, ctx, order, after, now)
    return after


def receive_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    return_id: int,
    condition: Condition | str,
    note: str | None = None,
    file_ids: Sequence[int] = (),
) -> Return:
    """R4: a seller confirms what came back — in good condition: refunded at once; with a
    problem (a note, photos): flagged to support, no refund yet. Allowed from `shipped` too
    (the parcel arrived before the carrier's scan)."""
    now = ctx.clock.now()
    try:
        found = Condition(condition)
    except ValueError:
        raise InvalidInput(
            "condition", "return.condition_unknown", allowed=[str(c) for c in Condition]
        ) from None
    problem = check_problem_note(note) if found is Condition.problem else None
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_seller(actor, store_id=order.store_id)
        check_step(ret, RECEIVABLE)
        if problem is None:
            after = refund_return(
                uow, ctx, order, ret, actor, now, automatic=False, received_at=now, condition=found
            )
        else:
            after = _report_problem(
                uow, ctx, order, ret, actor, now, note=problem, file_ids=file_ids
            )
        uow.commit()
    return after


def refund_by_passed(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """R4/S2: the seller said nothing by `refund_by`: the return is refunded."""
    now = ctx.clock.now()
    with uow:
        ret = uow.returns.get(return_id, for_update=True)
        if (
            ret is None
            or ret.status is not ReturnStatus.delivered
            or ret.refund_by is None
            or now < ret.refund_by
        ):
            return False
        order = uow.orders.get(ret.order_id, for_update=True)
        assert order is not None
        refund_return(uow, ctx, order, ret, SYSTEM, now, automatic=True)
        uow.commit()
    return True
