"""C4/C9/C10: a buyer's request to cancel — opened with its answer-by deadline, then approved
or rejected by the store's seller, or withdrawn by the buyer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from recourse.domain.cancellation import CancellationStatus, cancellation_transition
from recourse.domain.cancellation_request import check_rejection, rejection_ships
from recourse.domain.deadlines import check_request_unanswered
from recourse.domain.errors import NotFound
from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote
from recourse.domain.roles import (
    Actor,
    check_can_answer_cancellation,
    check_can_withdraw_cancellation,
)
from recourse.domain.shipment import ShipmentLine
from recourse.domain.timeline import TimelineEntry
from recourse.services import settle, subscribers
from recourse.services.cancellations.completion import complete
from recourse.services.events import (
    CancellationRejected,
    CancellationRequested,
    CancellationWithdrawn,
)
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import load_order
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.shipping import record_shipment

RESPOND_BY = "cancellation.respond_by"
RESPOND_REMINDER = "cancellation.reminder"


def open_request(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    cancellation: Cancellation,
    actor: Actor,
    now: datetime,
    *,
    quote: RefundQuote | None = None,
) -> None:
    """C4/C11: the seller must answer by `respond_by`; silence approves; a reminder goes first.
    The refund the buyer was quoted (C6/C7) is kept with the request and told to the seller."""
    respond_by = cancellation.respond_by
    assert respond_by is not None
    platform = uow.platform.policy()
    schedule_deadline(uow, name=RESPOND_BY, subject_id=cancellation.id, due_at=respond_by)
    schedule_reminder(
        uow,
        name=RESPOND_REMINDER,
        subject_id=cancellation.id,
        due_at=respond_by,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="cancellation.requested",
            reason=cancellation.reason,
            note=cancellation.note,
            data={
                "cancellation_id": cancellation.id,
                "respond_by": respond_by.isoformat(),
                "units": {str(k): v for k, v in cancellation.units.items()},
                "refund": quote.total if quote is not None else 0,
            },
        )
    )
    subscribers.record(
        uow,
        ctx,
        CancellationRequested(
            order=order, cancellation=cancellation, respond_by=respond_by, quote=quote, at=now
        ),
    )


def _pending(uow: UnitOfWork, actor: Actor, cancellation_id: int) -> tuple[Cancellation, Order]:
    cancellation = uow.cancellations.get(cancellation_id, for_update=True)
    if cancellation is None:
        raise NotFound("cancellation.not_found", cancellation_id=cancellation_id)
    order = load_order(uow, actor, cancellation.order_id, for_update=True, with_cases=True)
    return cancellation, order


def _decide(
    uow: UnitOfWork,
    cancellation: Cancellation,
    status: CancellationStatus,
    actor: Actor,
    now: datetime,
    **details: Any,
) -> None:
    check_request_unanswered(cancellation.status, cancellation.respond_by, now)
    cancellation_transition(cancellation.status, status)
    uow.cancellations.update(
        cancellation.id,
        status=status,
        decided_at=now,
        decided_by_role=str(actor.role),
        decided_by_id=actor.user_id,
        **details,
    )


def _answer(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    cancellation_id: int,
    act: Callable[[Cancellation, Order], None],
) -> Cancellation:
    """Lock the cancellation and its order, then `act` on them and commit, once what a passed
    deadline decides on the order is applied (§10): that is read in the same transaction and,
    when something is due (rarely), the transaction is left without writing, the deadlines are
    settled as every path settles them, and it starts again."""
    settled = False
    while True:
        with uow:
            cancellation, order = _pending(uow, actor, cancellation_id)
            pending = (
                cancellation
                if cancellation.status is CancellationStatus.pending_seller
                else uow.cancellations.pending_for_order(order.id)
            )
            if settled or not settle.due_on(uow, ctx, order, pending):
                act(cancellation, order)
                uow.commit()
                final = uow.cancellations.get(cancellation.id)
                assert final is not None
                return final
        settle.settle_due(uow, ctx, order_id=order.id)
        settled = True


def approve_cancellation(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, cancellation_id: int
) -> Cancellation:
    """C4: the seller approves; the units are cancelled and refunded."""
    now = ctx.clock.now()

    def approve(cancellation: Cancellation, order: Order) -> None:
        check_can_answer_cancellation(actor, store_id=order.store_id)
        _decide(uow, cancellation, CancellationStatus.approved, actor, now)
        complete(uow, ctx, order, cancellation, actor, now, event="cancellation.approved")

    return _answer(uow, ctx, actor, cancellation_id, approve)


def reject_cancellation(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    cancellation_id: int,
    reason: str,
    note: str | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> Cancellation:
    """C9/C10: the seller refuses with a reason; 'already shipped' needs carrier and tracking,
    and records that parcel, so exactly one of 'cancelled' and 'shipped' wins."""
    now = ctx.clock.now()
    code = check_rejection(reason, note=note, carrier=carrier, tracking_number=tracking_number)
    parcel = {"carrier": carrier, "tracking_number": tracking_number}

    def reject(cancellation: Cancellation, order: Order) -> None:
        check_can_answer_cancellation(actor, store_id=order.store_id)
        _decide(
            uow,
            cancellation,
            CancellationStatus.rejected,
            actor,
            now,
            rejection_reason=reason,
            rejection_note=note,
            **parcel,
        )
        rejected = CancellationRejected(
            order=order,
            cancellation=cancellation,
            reason=reason,
            note=note,
            carrier=carrier,
            tracking_number=tracking_number,
            at=now,
        )
        uow.timeline.add(_rejection_entry(rejected, actor))
        if rejection_ships(code):
            assert carrier is not None and tracking_number is not None
            _record_parcel(uow, ctx, actor, order, cancellation, carrier, tracking_number, now)
        subscribers.record(uow, ctx, rejected)

    return _answer(uow, ctx, actor, cancellation_id, reject)


def _rejection_entry(e: CancellationRejected, actor: Actor) -> TimelineEntry:
    return TimelineEntry(
        order_id=e.order.id,
        at=e.at,
        actor=actor,
        action="cancellation.rejected",
        reason=e.reason,
        note=e.note,
        data={
            "cancellation_id": e.cancellation.id,
            "carrier": e.carrier,
            "tracking_number": e.tracking_number,
        },
    )


def _record_parcel(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    order: Order,
    cancellation: Cancellation,
    carrier: str,
    tracking_number: str,
    now: datetime,
) -> None:
    """C9: the parcel the seller says already left carries the units the buyer asked about."""
    record_shipment(
        uow,
        ctx,
        actor=actor,
        order=order,
        lines=[ShipmentLine(k, v) for k, v in sorted(cancellation.units.items())],
        carrier=carrier,
        tracking_number=tracking_number,
        now=now,
    )


def withdraw_cancellation(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, cancellation_id: int
) -> Cancellation:
    """C10: the buyer withdraws a request that the seller has not answered."""
    now = ctx.clock.now()

    def withdraw(cancellation: Cancellation, order: Order) -> None:
        check_can_withdraw_cancellation(actor, buyer_id=order.buyer_id)
        _decide(uow, cancellation, CancellationStatus.withdrawn, actor, now)
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="cancellation.withdrawn",
                data={"cancellation_id": cancellation.id},
            )
        )
        subscribers.record(
            uow, ctx, CancellationWithdrawn(order=order, cancellation=cancellation, at=now)
        )

    return _answer(uow, ctx, actor, cancellation_id, withdraw)
