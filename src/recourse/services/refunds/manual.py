"""F1/F2: support refunds an amount by hand, with a reason, never more than is left of the
capture."""

from __future__ import annotations

from recourse.domain.errors import RuleConflict
from recourse.domain.refund import RefundCause, RefundQuote, check_refund_reason, quote_amount
from recourse.domain.roles import Actor, check_can_refund_by_hand
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import record_refund


def _settle(uow: UnitOfWork, ctx: Context, order_id: int) -> None:
    """§10: what a passed deadline decided (a refund of its own) comes before a manual one."""
    # Imported here: settling completes cancellations, which refund through this package.
    from recourse.services.settle import settle_due

    settle_due(uow, ctx, order_id=order_id)


def quote_manual_refund(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, amount: int
) -> RefundQuote:
    """What a support refund of `amount` would look like, and what stays refundable."""
    _settle(uow, ctx, order_id)
    with uow:
        order = load_order(uow, actor, order_id)
        check_can_refund_by_hand(actor)
        return quote_amount(order, amount, uow.refunds.so_far(order.id), cause=RefundCause.manual)


def issue_manual_refund(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    amount: int,
    reason: str,
    gateway: str,
    note: str | None = None,
    currency: str | None = None,
    request_key: str | None = None,
) -> int:
    """F2: a support agent refunds an amount; never more than is left of the capture.

    `request_key` makes a repeated submission (a double click) return the first refund."""
    _settle(uow, ctx, order_id)
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        check_can_refund_by_hand(actor)
        code = check_refund_reason(reason, note)
        cause_ref = f"manual:{request_key}" if request_key else None
        if cause_ref is not None:
            existing = uow.refunds.id_by_cause(order.id, cause_ref)
            if existing is not None:
                return existing
        so_far = uow.refunds.so_far(order.id)
        quote = quote_amount(order, amount, so_far, cause=RefundCause.manual)
        if currency is not None and currency.upper() != order.currency:
            raise RuleConflict(
                "currency_is_not_the_orders",
                field="currency",
                order_currency=order.currency,
                refundable=quote.refundable_before,
            )
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=gateway,
            cause_ref=cause_ref,
            reason=str(code),
            note=note,
        )
        uow.commit()
    return refund_id
