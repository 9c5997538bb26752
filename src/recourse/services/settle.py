"""§10: a passed deadline decides every read and every action, worker or not.

Before an order (or one of its cancellations) is read or acted on, `settle_due` asks the domain
which of its deadlines have passed with their consequence still to apply and runs the same
handlers the worker runs, each in its own transaction. The handlers re-check, so the worker's
later firing of the same deadline changes nothing.

A use case that locks the order can ask instead, in its own transaction with the rows it
reads anyway (`due_on`): nothing is due almost always, and it goes on in that one
transaction; when something is, it leaves without writing and settles first. Leaving lets the
order go (in a unit of work of its own), so the handlers lock as they always do: their case,
then the order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from recourse.domain.deadlines import Deadline, Due, due_now
from recourse.domain.order import Order
from recourse.services.cancellations.deadlines import (
    overdue_autocancel,
    payment_window_ended,
    respond_by_passed,
)
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.shipping import protection_ended


def _respond_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    respond_by_passed(uow, ctx, cancellation_id=subject_id)


def _overdue(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    overdue_autocancel(uow, ctx, order_id=subject_id)


def _unpaid(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    payment_window_ended(uow, ctx, order_id=subject_id)


def _protection(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    protection_ended(uow, ctx, order_id=subject_id)


# The returns' handlers are imported when they run: every return action settles through this
# module first.


def _return_respond_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.returns.deadlines import return_respond_by_passed

    return_respond_by_passed(uow, ctx, return_id=subject_id)


def _return_offer(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.returns.deadlines import offer_answer_by_passed

    offer_answer_by_passed(uow, ctx, return_id=subject_id)


def _return_ship_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.returns.deadlines import ship_by_passed

    ship_by_passed(uow, ctx, return_id=subject_id)


def _return_refund_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.returns.receiving import refund_by_passed

    refund_by_passed(uow, ctx, return_id=subject_id)


def _dispute_respond_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.disputes.deadlines import respond_by_passed

    respond_by_passed(uow, ctx, dispute_id=subject_id)


def _dispute_escalate_at(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.disputes.deadlines import escalate_at_passed

    escalate_at_passed(uow, ctx, dispute_id=subject_id)


def _dispute_appeal_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    from recourse.services.disputes.deadlines import appeal_by_passed

    appeal_by_passed(uow, ctx, dispute_id=subject_id)


CONSEQUENCES: dict[Deadline, Callable[[UnitOfWork, Context, int], None]] = {
    Deadline.respond_by: _respond_by,
    Deadline.overdue_autocancel: _overdue,
    Deadline.payment_window_ends: _unpaid,
    Deadline.protection_ends: _protection,
    Deadline.return_respond_by: _return_respond_by,
    Deadline.return_offer_answer_by: _return_offer,
    Deadline.return_ship_by: _return_ship_by,
    Deadline.return_refund_by: _return_refund_by,
    Deadline.dispute_respond_by: _dispute_respond_by,
    Deadline.dispute_escalate_at: _dispute_escalate_at,
    Deadline.dispute_appeal_by: _dispute_appeal_by,
}

# A consequence can start a step whose own deadline has passed too (a lapsed offer gives the
# sellers a fresh answer-by counted from the lapse): settling looks again, this many times.
ROUNDS = 4


def due_for(uow: UnitOfWork, ctx: Context, *, order_id: int) -> list[Due]:
    """The order's passed deadlines whose consequence is still to apply (nothing changes)."""
    with uow:
        order = uow.orders.get(order_id)
        if order is None:
            return []
        return due_on(uow, ctx, order, uow.cancellations.pending_for_order(order_id))


def due_on(uow: UnitOfWork, ctx: Context, order: Order, pending: Cancellation | None) -> list[Due]:
    """`due_for` on an order the caller has read in its transaction (usually locked, to act on
    it), with its pending cancellation request (`pending`) read there too: a use case asks
    this before it acts and, when something is due, leaves its transaction without writing
    and settles first (`settle_due`), as the worker would, then starts again."""
    return due_now(
        order,
        [pending] if pending is not None else [],
        uow.platform.policy(),
        ctx.clock.now(),
        stored_status=uow.orders.stored_status(order.id),
        returns=uow.returns.for_order(order.id),
        disputes=uow.disputes.for_order(order.id),
    )


def settle_due(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """Apply what the order's passed deadlines decide; True when something was due."""
    settled = False
    for _ in range(ROUNDS):
        due = due_for(uow, ctx, order_id=order_id)
        for item in due:
            CONSEQUENCES[item.deadline](uow, ctx, item.subject_id)
        settled = settled or bool(due)
        if not any(item.deadline.startswith(("return.", "dispute.")) for item in due):
            break
    return settled


def settle_orders(uow: UnitOfWork, ctx: Context, order_ids: Iterable[int]) -> bool:
    """`settle_due` for each of these orders (a page of a list); True when any was due."""
    settled = False
    for order_id in order_ids:
        settled = settle_due(uow, ctx, order_id=order_id) or settled
    return settled


def _any_due(uow: UnitOfWork, ctx: Context, order_id: int) -> bool:
    """Whether anything is due on the order, read in the caller's transaction (the one that
    read the case): when nothing is, no other transaction is needed to settle it."""
    order = uow.orders.get(order_id)
    return order is not None and bool(
        due_on(uow, ctx, order, uow.cancellations.pending_for_order(order_id))
    )


def settle_for_cancellation(uow: UnitOfWork, ctx: Context, *, cancellation_id: int) -> bool:
    """`settle_due` for the order this cancellation belongs to (nothing if there is none)."""
    with uow:
        cancellation = uow.cancellations.get(cancellation_id)
        if cancellation is None or not _any_due(uow, ctx, cancellation.order_id):
            return False
    return settle_due(uow, ctx, order_id=cancellation.order_id)


def settle_for_return(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """`settle_due` for the order this return belongs to (nothing if there is none)."""
    with uow:
        ret = uow.returns.get(return_id)
        if ret is None or not _any_due(uow, ctx, ret.order_id):
            return False
    return settle_due(uow, ctx, order_id=ret.order_id)


def settle_for_dispute(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """`settle_due` for the order this dispute belongs to (nothing if there is none)."""
    with uow:
        dispute = uow.disputes.get(dispute_id)
        if dispute is None or not _any_due(uow, ctx, dispute.order_id):
            return False
    return settle_due(uow, ctx, order_id=dispute.order_id)
