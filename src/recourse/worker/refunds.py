"""Refunds on the worker: send to the gateway with no transaction open, then record (F3)."""

from __future__ import annotations

import logging

from recourse.db.outbox import Claimed
from recourse.services import refunds
from recourse.services.ports import GatewayStatus, GatewayUnavailable
from recourse.worker.deps import WorkerDeps
from recourse.worker.metrics import count_gateway_error

log = logging.getLogger("recourse.worker.refunds")


def send_refund(deps: WorkerDeps, message: Claimed) -> None:
    """txn 1 was the recording; here: the call (no txn), then txn 2 records the answer.

    A transient failure raises, so the outbox retries with back-off; after
    `refund_max_attempts` the refund is flagged for support and the message is done."""
    refund_id = int(message.payload["refund_id"])
    found = refunds.pending_send(deps.uow_factory(), refund_id=refund_id)
    if found is None:
        return
    refund, payment_reference = found
    gateway = deps.gateways[refund.gateway]
    try:
        answer = gateway.create_refund(
            idempotency_key=refund.idempotency_key,
            payment_reference=payment_reference,
            amount=refund.amount,
            currency=refund.currency,
            metadata={"refund_id": str(refund.id), "order_id": str(refund.order_id)},
        )
    except GatewayUnavailable as exc:
        count_gateway_error(refund.gateway, "create_refund")
        give_up = message.attempts >= deps.refund_max_attempts
        refunds.record_send_failure(
            deps.uow_factory(), deps.ctx, refund_id=refund_id, error=str(exc), give_up=give_up
        )
        if give_up:
            log.error(
                "refund %s needs support after %s attempts: %s", refund_id, message.attempts, exc
            )
            return
        raise
    refunds.record_gateway_answer(deps.uow_factory(), deps.ctx, refund_id=refund_id, answer=answer)


def check_refund(deps: WorkerDeps, message: Claimed) -> None:
    """Ask the provider how a processing refund is doing; look again later if unsettled."""
    refund_id = int(message.payload["refund_id"])
    n = int(message.payload.get("n", 1))
    with deps.uow_factory() as uow:
        refund = uow.refunds.get(refund_id)
    if refund is None or refund.gateway_reference is None:
        return
    if str(refund.status) != "processing":
        return
    try:
        answer = deps.gateways[refund.gateway].retrieve_refund(refund.gateway_reference)
    except GatewayUnavailable:
        count_gateway_error(refund.gateway, "retrieve_refund")
        raise
    if answer.status is GatewayStatus.processing:
        refunds.still_processing(deps.uow_factory(), deps.ctx, refund_id=refund_id, n=n)
        return
    refunds.record_gateway_answer(deps.uow_factory(), deps.ctx, refund_id=refund_id, answer=answer)
