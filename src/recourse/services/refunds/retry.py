"""F3/T1: support sends a failed or stuck refund again, and never pays twice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from recourse.domain.errors import NotFound, RuleConflict
from recourse.domain.order import Order
from recourse.domain.refund import (
    RefundCause,
    RefundStatus,
    RetryKind,
    after_gateway_lookup,
    check_ceiling,
    quote_amount,
    refund_transition,
    retry_kind,
)
from recourse.domain.roles import Actor, check_can_retry_refund
from recourse.domain.timeline import TimelineEntry
from recourse.services.ports.common import Context
from recourse.services.ports.gateway import GatewayRefund, PaymentGateway
from recourse.services.ports.refunds import Refund
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.gateway import apply_answer, log, look_up
from recourse.services.refunds.ledger import SEND


def retry_refund(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    refund_id: int,
    gateways: Mapping[str, PaymentGateway],
) -> None:
    """F3/T1: support sends a failed or stuck refund again. A failed one goes with a fresh
    idempotency key, and only once the gateway's own record confirms the failure: one the
    gateway reports processing or succeeded takes that status instead of being paid twice."""
    check_can_retry_refund(actor)
    with uow:
        seen = uow.refunds.get(refund_id)
    if seen is None:
        raise NotFound("refund.not_found", refund_id=refund_id)
    confirmed = None
    if seen.status is RefundStatus.failed and seen.gateway_reference:
        confirmed = look_up(gateways[seen.gateway], seen.gateway_reference)
    now = ctx.clock.now()
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund != seen:
            raise RuleConflict("refund_changed")
        assert refund is not None
        order = uow.orders.get(refund.order_id, for_update=True)
        assert order is not None
        if retry_kind(refund.status, needs_attention=refund.needs_attention) is RetryKind.resend:
            generation = _resend(uow, ctx, order, refund, confirmed, now)
        else:
            generation = refund.attempts + 1
            uow.refunds.update(refund.id, attempts=generation, needs_attention=False)
        uow.timeline.add(
            TimelineEntry(
                order_id=refund.order_id,
                at=now,
                actor=actor,
                action="refund.retried",
                data={"refund_id": refund.id, "failed_reference": seen.gateway_reference},
                visible_to_seller=False,
            )
        )
        uow.outbox.add(
            SEND,
            {"refund_id": refund.id},
            available_at=now,
            dedupe_key=f"refund:{refund.id}:send:{generation}",
        )
        uow.commit()


def _resend(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    refund: Refund,
    confirmed: GatewayRefund | None,
    now: datetime,
) -> int:
    """A failed refund goes again under a fresh key, unless the gateway says it did not fail:
    then the ledger takes the gateway's status (committed) and nothing is sent."""
    target = after_gateway_lookup(
        None if confirmed is None else RefundStatus(str(confirmed.status))
    )
    if confirmed is not None and target is not RefundStatus.pending:
        apply_answer(uow, ctx, refund, confirmed, now)
        uow.commit()
        log.warning(
            "refund %s: recorded as failed, the %s gateway confirmed %s; not sent again",
            refund.id,
            refund.gateway,
            target,
        )
        raise RuleConflict("refund_not_failed_at_gateway", gateway_status=str(target))
    so_far = uow.refunds.so_far(order.id)
    check_ceiling(quote_amount(order, refund.amount, so_far, cause=RefundCause.manual))
    refund_transition(refund.status, target)
    generation = refund.attempts + 1
    uow.refunds.update(
        refund.id,
        status=RefundStatus.pending,
        idempotency_key=f"recourse-refund-{refund.id}-r{generation}",
        # The failed attempt's reference: hints about it no longer name this refund.
        gateway_reference=None,
        attempts=generation,
        needs_attention=False,
        failed_at=None,
    )
    return generation
