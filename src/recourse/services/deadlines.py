"""§10 the deadlines engine: one table of named deadlines and the use case each one fires.

A deadline is scheduled in the outbox in the same transaction that sets it on its object; the
worker fires it when due, or at its next run after a downtime. Every handler re-reads its object
and acts only if the consequence still applies, so firing twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from recourse.services import (
    cancellations,
    disputes,
    evidence,
    orders,
    protection,
    returns,
    shipping,
)
from recourse.services.conversation import send_digest
from recourse.services.conversation_notices import DIGEST
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork

Handler = Callable[[UnitOfWork, Context, int], None]


def _protection_ends(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    shipping.protection_ended(uow, ctx, order_id=subject_id)


def _payment_window_ends(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    cancellations.payment_window_ended(uow, ctx, order_id=subject_id)


def _payment_reminder(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    orders.payment_reminder(uow, ctx, order_id=subject_id)


def _respond_by(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    cancellations.respond_by_passed(uow, ctx, cancellation_id=subject_id)


def _cancellation_reminder(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    cancellations.request_reminder(uow, ctx, cancellation_id=subject_id)


def _overdue_autocancel(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    cancellations.overdue_autocancel(uow, ctx, order_id=subject_id)


def _overdue_reminder(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    cancellations.overdue_reminder(uow, ctx, order_id=subject_id)


def _protection_reminder(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    protection.protection_reminder(uow, ctx, order_id=subject_id)


def _evidence_purge(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    evidence.purge_unattached(uow, ctx, file_id=subject_id)


def _conversation_digest(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
    send_digest(uow, ctx, message_id=subject_id)


def _return(fire: Callable[..., bool]) -> Handler:
    """A return deadline's handler: the use case for the return `subject_id`."""

    def handler(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
        fire(uow, ctx, return_id=subject_id)

    return handler


def _dispute(fire: Callable[..., bool]) -> Handler:
    """A dispute deadline's handler: the use case for the dispute `subject_id`."""

    def handler(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
        fire(uow, ctx, dispute_id=subject_id)

    return handler


def _info_request(fire: Callable[..., bool]) -> Handler:
    """A dispute information request's handler: the use case for the request `subject_id`."""

    def handler(uow: UnitOfWork, ctx: Context, subject_id: int) -> None:
        fire(uow, ctx, request_id=subject_id)

    return handler


HANDLERS: dict[str, Handler] = {
    cancellations.RESPOND_BY: _respond_by,
    cancellations.RESPOND_REMINDER: _cancellation_reminder,
    evidence.PURGE: _evidence_purge,
    orders.OVERDUE_AUTOCANCEL: _overdue_autocancel,
    orders.OVERDUE_REMINDER: _overdue_reminder,
    orders.PAYMENT_REMINDER: _payment_reminder,
    orders.PAYMENT_WINDOW_ENDS: _payment_window_ends,
    shipping.PROTECTION_ENDS: _protection_ends,
    shipping.PROTECTION_REMINDER: _protection_reminder,
    returns.RESPOND_BY: _return(returns.return_respond_by_passed),
    returns.RESPOND_REMINDER: _return(returns.respond_reminder),
    returns.OFFER_ANSWER_BY: _return(returns.offer_answer_by_passed),
    returns.SHIP_BY: _return(returns.ship_by_passed),
    returns.SHIP_REMINDER: _return(returns.ship_reminder),
    returns.REFUND_BY: _return(returns.refund_by_passed),
    returns.REFUND_REMINDER: _return(returns.refund_reminder),
    DIGEST: _conversation_digest,
    disputes.RESPOND_BY: _dispute(disputes.respond_by_passed),
    disputes.RESPOND_REMINDER: _dispute(disputes.respond_reminder),
    disputes.ESCALATE_AT: _dispute(disputes.escalate_at_passed),
    disputes.ESCALATE_REMINDER: _dispute(disputes.escalate_reminder),
    disputes.APPEAL_BY: _dispute(disputes.appeal_by_passed),
    disputes.APPEAL_REMINDER: _dispute(disputes.appeal_reminder),
    disputes.INFO_DUE: _info_request(disputes.info_due_passed),
    disputes.INFO_REMINDER: _info_request(disputes.info_reminder),
}


# What a deadline's use case locks first, when it locks its subject: a cancellation (and then
# its order) or an order. A batch of deadlines locks these for all its items at once, in id
# order, so each use case finds its rows locked and loaded (db/repositories/preload.py).
CANCELLATION = "cancellation"
ORDER = "order"
LOCKS: dict[str, str] = {
    cancellations.RESPOND_BY: CANCELLATION,
    orders.OVERDUE_AUTOCANCEL: ORDER,
    orders.PAYMENT_WINDOW_ENDS: ORDER,
    shipping.PROTECTION_ENDS: ORDER,
}


def fire(uow: UnitOfWork, ctx: Context, *, name: str, subject_id: int) -> None:
    """Run the consequence of deadline `name` for its subject."""
    try:
        handler = HANDLERS[name]
    except KeyError:
        raise LookupError(f"no handler for deadline {name!r}") from None
    handler(uow, ctx, subject_id)
