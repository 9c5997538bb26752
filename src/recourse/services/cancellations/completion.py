"""C7/C8/F1: a cancellation takes effect — its units are cancelled and what was paid for them
is refunded through the ledger, in the caller's transaction with the order row locked."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.cancellation import cancel_units, fully_cancelled, refund_needed
from recourse.domain.order import Order, derive_status
from recourse.domain.refund import RefundQuote, cancellation_ref, mark_refunded
from recourse.domain.roles import Actor
from recourse.domain.shipment import merged
from recourse.domain.timeline import TimelineEntry
from recourse.services import subscribers
from recourse.services.cancellations.preview import UNREAD, Unread, quote_for
from recourse.services.events import CancellationCompleted
from recourse.services.orders import refresh_status
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import record_refund


def complete(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    cancellation: Cancellation,
    actor: Actor,
    now: datetime,
    *,
    event: str,
    quote: RefundQuote | Unread | None = UNREAD,
) -> None:
    """Cancel the units, refund what was paid for them, tell everyone (C7, C11, F1).
    `quote` is the one the caller made for these units under the same lock (None: nothing to
    refund), when it made one."""
    before = uow.orders.stored_status(order.id) or derive_status(order, now)
    if isinstance(quote, Unread):
        quote = quote_for(uow, order, cancellation.units)
    refund_id = None
    if refund_needed(quote):
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=ctx.gateway,
            cause_ref=cancellation_ref(cancellation.id),
            reason=cancellation.reason,
        )
        uow.cancellations.update(cancellation.id, refund_id=refund_id)
        order = merged(order, mark_refunded(order, quote))  # as record_refund saved it
    changes = cancel_units(order, cancellation.units)
    uow.orders.save_quantities(order.id, changes)
    after_order = merged(order, changes)
    after = refresh_status(uow, after_order, now, refunds_recorded=int(refund_id is not None))
    whole = fully_cancelled(after_order)
    uow.timeline.add(
        _entry(order, cancellation, actor, now, whole, str(before), str(after), refund_id)
    )
    subscribers.record(
        uow,
        ctx,
        CancellationCompleted(
            order=order,
            cancellation=cancellation,
            event=event,
            whole=whole,
            quote=quote,
            refund_id=refund_id,
            at=now,
        ),
    )


def _entry(
    order: Order,
    cancellation: Cancellation,
    actor: Actor,
    now: datetime,
    whole: bool,
    before: str,
    after: str,
    refund_id: int | None,
) -> TimelineEntry:
    return TimelineEntry(
        order_id=order.id,
        at=now,
        actor=actor,
        action="order.cancelled" if whole else "order.lines_cancelled",
        from_state=before,
        to_state=after,
        reason=cancellation.reason,
        note=cancellation.note,
        data={
            "cancellation_id": cancellation.id,
            "fault": cancellation.fault,
            "refund_id": refund_id,
            "units": {str(k): v for k, v in cancellation.units.items()},
        },
    )
