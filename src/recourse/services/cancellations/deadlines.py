"""C2/C4/C11: what a cancellation deadline decides when it passes — a request the seller did
not answer is approved, the reminder before it, an unpaid order past its window and a paid one
the seller left unshipped too long cancel themselves. Each re-reads its object and acts only
if the consequence still applies, so firing twice changes nothing."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.cancellation import (
    CancellationStatus,
    Initiator,
    Mode,
    every_unshipped_unit,
    overdue_autocancel_at,
    overdue_autocancel_due,
    overdue_reminder_due,
)
from recourse.domain.cancellation_request import reminder_useful, request_expired
from recourse.domain.order import Order, unpaid_expired
from recourse.domain.roles import SYSTEM
from recourse.services import subscribers
from recourse.services.cancellations.completion import complete
from recourse.services.events import AnswerReminderDue, OverdueReminderDue
from recourse.services.ports.cancellations import NewCancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def respond_by_passed(uow: UnitOfWork, ctx: Context, *, cancellation_id: int) -> bool:
    """C4: no answer by `respond_by` means approved, with a full refund of those units."""
    now = ctx.clock.now()
    with uow:
        cancellation = uow.cancellations.get(cancellation_id, for_update=True)
        if cancellation is None or not request_expired(
            cancellation.status, cancellation.respond_by, now
        ):
            return False
        order = uow.orders.get(cancellation.order_id, for_update=True)
        assert order is not None
        uow.cancellations.update(
            cancellation.id,
            status=CancellationStatus.auto_approved,
            decided_at=now,
            decided_by_role=str(SYSTEM.role),
        )
        complete(uow, ctx, order, cancellation, SYSTEM, now, event="cancellation.expired")
        uow.commit()
    return True


def request_reminder(uow: UnitOfWork, ctx: Context, *, cancellation_id: int) -> bool:
    """C11: remind the seller before silence approves the request."""
    now = ctx.clock.now()
    with uow:
        cancellation = uow.cancellations.get(cancellation_id)
        if cancellation is None or not reminder_useful(
            cancellation.status, cancellation.respond_by, now
        ):
            return False
        assert cancellation.respond_by is not None
        order = uow.orders.get(cancellation.order_id)
        assert order is not None
        subscribers.record(
            uow,
            ctx,
            AnswerReminderDue(
                order=order,
                cancellation=cancellation,
                respond_by=cancellation.respond_by,
                at=now,
            ),
        )
        uow.commit()
    return True


def _system_cancel(
    uow: UnitOfWork, ctx: Context, order: Order, *, reason: str, now: datetime
) -> None:
    chosen = uow.reasons.get(reason)
    assert chosen is not None
    cancellation_id = uow.cancellations.add(
        NewCancellation(
            order_id=order.id,
            store_id=order.store_id,
            status=CancellationStatus.completed,
            initiator=str(Initiator.system),
            mode=str(Mode.instant),
            reason=reason,
            fault=str(chosen.fault),
            note=None,
            whole_order=True,
            units=every_unshipped_unit(order),
            requested_by_role=str(SYSTEM.role),
            requested_by_id=None,
            respond_by=None,
            created_at=now,
        )
    )
    cancellation = uow.cancellations.get(cancellation_id)
    assert cancellation is not None
    complete(uow, ctx, order, cancellation, SYSTEM, now, event="cancellation.approved")


def payment_window_ended(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """C2: unpaid after `payment_window_hours`, the order cancels itself; nothing to refund."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        if order is None or not unpaid_expired(order, now):
            return False
        _system_cancel(uow, ctx, order, reason="payment_window_expired", now=now)
        uow.commit()
    return True


def overdue_autocancel(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """C4: still unshipped `overdue_autocancel_days` after ship-by: cancelled, full refund,
    fault seller."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        if order is None or not overdue_autocancel_due(order, now, uow.platform.policy()):
            return False
        pending = uow.cancellations.pending_for_order(order.id)
        if pending is not None:
            uow.cancellations.update(
                pending.id,
                status=CancellationStatus.auto_approved,
                decided_at=now,
                decided_by_role=str(SYSTEM.role),
            )
        _system_cancel(uow, ctx, order, reason="seller_overdue", now=now)
        uow.commit()
    return True


def overdue_reminder(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """M2/C4: remind the sellers before an unshipped order cancels itself against them."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id)
        platform = uow.platform.policy()
        if order is None or not overdue_reminder_due(order, now, platform):
            return False
        cancels_at = overdue_autocancel_at(order, platform)
        assert cancels_at is not None
        subscribers.record(uow, ctx, OverdueReminderDue(order=order, cancels_at=cancels_at, at=now))
        uow.commit()
    return True
