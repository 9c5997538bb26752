"""F3/F4/T1: the refund and the payment gateway — what still has to be sent, the gateway's
answer recorded (txn 2), look-ups of its own record, and the checks that follow a refund the
provider has not settled yet."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from recourse.domain.errors import GatewayUnreachable, NotFound
from recourse.domain.refund import AnswerEffect, RefundStatus, gateway_answer_effect
from recourse.domain.roles import SYSTEM
from recourse.domain.timeline import TimelineEntry
from recourse.services import subscribers
from recourse.services.events import RefundNeedsAttention, RefundStatusChanged
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.gateway import GatewayRefund, GatewayUnavailable, PaymentGateway
from recourse.services.ports.refunds import Refund
from recourse.services.ports.unit_of_work import UnitOfWork

CHECK = "refund.check"
FIRST_CHECK_AFTER = timedelta(minutes=30)
MAX_CHECK_INTERVAL = timedelta(hours=12)
RETRY_LOOKUP_AFTER_SECONDS = 60

log = logging.getLogger("recourse.refunds")


def pending_send(uow: UnitOfWork, *, refund_id: int) -> tuple[Refund, str | None] | None:
    """The refund and the payment's reference, if it still has to go to the gateway."""
    with uow:
        refund = uow.refunds.get(refund_id)
        if refund is None or refund.status is not RefundStatus.pending:
            return None
        order = uow.orders.get(refund.order_id)
        assert order is not None
        return refund, order.payment.reference


def record_gateway_answer(
    uow: UnitOfWork, ctx: Context, *, refund_id: int, answer: GatewayRefund
) -> RefundStatus:
    """F3/F4 txn 2: what the gateway's own API said about the refund, in answer to the send or
    to a look-up. T1: never what a webhook's body claims (see follow_gateway_hint)."""
    now = ctx.clock.now()
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None:
            raise NotFound("refund.not_found", refund_id=refund_id)
        status = apply_answer(uow, ctx, refund, answer, now)
        uow.commit()
    return status


def apply_answer(
    uow: UnitOfWork, ctx: Context, refund: Refund, answer: GatewayRefund, now: datetime
) -> RefundStatus:
    """F4: the ledger takes the status the gateway reports, as the domain allows it; every
    answer is kept in the refund's gateway history (F5: support reads it)."""
    uow.refunds.add_attempt(
        refund.id,
        at=now,
        kind="answer",
        status=str(answer.status),
        reference=answer.reference,
        trace_number=answer.trace_number,
        error=answer.failure_reason,
    )
    target = RefundStatus(str(answer.status))
    effect = gateway_answer_effect(refund.status, target)
    if effect is AnswerEffect.reversed:
        _flag_reversal(uow, ctx, refund, answer, now)
        return refund.status
    if effect is AnswerEffect.unchanged:
        return refund.status
    uow.refunds.update(refund.id, **_answer_values(refund, target, answer, now))
    updated = uow.refunds.get(refund.id)
    assert updated is not None
    _status_changed(uow, ctx, updated, refund.status, now)
    if target is RefundStatus.processing:
        schedule_check(uow, refund_id=refund.id, after=FIRST_CHECK_AFTER, now=now, n=1)
    return target


def _flag_reversal(
    uow: UnitOfWork, ctx: Context, refund: Refund, answer: GatewayRefund, now: datetime
) -> None:
    """The provider reversed a refund it had paid (e.g. a closed card): support acts."""
    error = answer.failure_reason or "reversed by the provider after success"
    uow.refunds.update(refund.id, needs_attention=True, last_error=error)
    uow.timeline.add(
        TimelineEntry(
            order_id=refund.order_id,
            at=now,
            actor=SYSTEM,
            action="refund.reversed",
            note=answer.failure_reason,
            data={"refund_id": refund.id},
            visible_to_seller=False,
        )
    )
    subscribers.record(
        uow,
        ctx,
        RefundNeedsAttention(refund_id=refund.id, order_id=refund.order_id, error=error, at=now),
    )


def _answer_values(
    refund: Refund, target: RefundStatus, answer: GatewayRefund, now: datetime
) -> dict[str, Any]:
    """The ledger's columns once the refund moves from its status to `target`."""
    values: dict[str, Any] = {"status": target, "gateway_reference": answer.reference}
    if refund.sent_at is None:
        values["sent_at"] = now
    if answer.trace_number:
        values["trace_number"] = answer.trace_number
    if refund.status is RefundStatus.failed:
        # The gateway's record contradicts the failure the ledger held: it was never true.
        values.update(
            failed_at=None,
            needs_attention=False,
            last_error=f"recorded as failed, but the gateway reports it {target}",
        )
    if target is RefundStatus.succeeded:
        values["succeeded_at"] = now
    if target is RefundStatus.failed:
        values.update(
            failed_at=now, needs_attention=True, last_error=answer.failure_reason or "declined"
        )
    return values


def _status_changed(
    uow: UnitOfWork, ctx: Context, refund: Refund, previous: RefundStatus, now: datetime
) -> None:
    uow.timeline.add(
        TimelineEntry(
            order_id=refund.order_id,
            at=now,
            actor=SYSTEM,
            action=f"refund.{refund.status}",
            from_state=str(previous),
            to_state=str(refund.status),
            data={
                "refund_id": refund.id,
                "amount": refund.amount,
                "currency": refund.currency,
                "trace_number": refund.trace_number,
            },
        )
    )
    order = uow.orders.get(refund.order_id)
    assert order is not None
    subscribers.record(
        uow, ctx, RefundStatusChanged(order=order, refund=refund, previous=previous, at=now)
    )
    refresh_status(uow, order, now)  # §2: a settled refund may close the order


def look_up(gateway: PaymentGateway, reference: str) -> GatewayRefund | None:
    """T1: the gateway's own record of a refund (None: it has none), asked with no
    transaction open. A gateway that cannot be reached changes nothing and is asked again."""
    try:
        return gateway.retrieve_refund(reference)
    except LookupError:
        return None
    except GatewayUnavailable as exc:
        raise GatewayUnreachable(
            "refund.gateway_unreachable",
            gateway=gateway.name,
            reference=reference,
            retry_after=RETRY_LOOKUP_AFTER_SECONDS,
        ) from exc


def follow_gateway_hint(
    uow: UnitOfWork, ctx: Context, *, gateway: PaymentGateway, hint: GatewayRefund
) -> tuple[int, RefundStatus] | None:
    """T1/F6: a provider's webhook is a hint naming a refund; the refund takes the status the
    provider's own API confirms, whatever the webhook claimed. None: not a refund of ours."""
    refund_id = find_by_reference(uow, gateway=gateway.name, reference=hint.reference)
    if refund_id is None:
        return None
    confirmed = look_up(gateway, hint.reference)
    if confirmed is None:
        log.warning(
            "refund %s: the %s webhook names %s, which the gateway does not know; ignored",
            refund_id,
            gateway.name,
            hint.reference,
        )
        return None
    if (confirmed.status, confirmed.trace_number) != (hint.status, hint.trace_number):
        log.warning(
            "refund %s: the %s webhook hinted %s (trace %s), the gateway confirmed %s "
            "(trace %s); the confirmed status is the one recorded",
            refund_id,
            gateway.name,
            hint.status,
            hint.trace_number,
            confirmed.status,
            confirmed.trace_number,
        )
    return refund_id, record_gateway_answer(uow, ctx, refund_id=refund_id, answer=confirmed)


def schedule_check(
    uow: UnitOfWork, *, refund_id: int, after: timedelta, now: datetime, n: int
) -> None:
    """Ask the gateway again later (a fallback for providers whose webhook did not arrive)."""
    uow.outbox.add(
        CHECK,
        {"refund_id": refund_id, "n": n},
        available_at=now + min(after, MAX_CHECK_INTERVAL),
        dedupe_key=f"refund:{refund_id}:check:{n}",
    )


def still_processing(uow: UnitOfWork, ctx: Context, *, refund_id: int, n: int) -> None:
    """The provider has not settled yet: look again later, less and less often."""
    now = ctx.clock.now()
    with uow:
        after = FIRST_CHECK_AFTER * (2 ** min(n, 10))
        schedule_check(uow, refund_id=refund_id, after=after, now=now, n=n + 1)
        uow.commit()


def record_send_failure(
    uow: UnitOfWork, ctx: Context, *, refund_id: int, error: str, give_up: bool
) -> None:
    """F3: a transient failure is retried with back-off; one that keeps failing goes to support."""
    now = ctx.clock.now()
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund is None or refund.status is not RefundStatus.pending:
            return
        uow.refunds.update(
            refund.id,
            attempts=refund.attempts + 1,
            last_error=error[:2000],
            needs_attention=give_up,
        )
        uow.refunds.add_attempt(refund.id, at=now, kind="failure", error=error[:2000])
        if give_up:
            uow.timeline.add(
                TimelineEntry(
                    order_id=refund.order_id,
                    at=now,
                    actor=SYSTEM,
                    action="refund.needs_attention",
                    note=error[:500],
                    data={"refund_id": refund.id, "attempts": refund.attempts + 1},
                    visible_to_buyer=False,
                    visible_to_seller=False,
                )
            )
            subscribers.record(
                uow,
                ctx,
                RefundNeedsAttention(
                    refund_id=refund.id, order_id=refund.order_id, error=error[:2000], at=now
                ),
            )
        uow.commit()


def find_by_reference(uow: UnitOfWork, *, gateway: str, reference: str) -> int | None:
    with uow:
        return uow.refunds.id_by_reference(gateway, reference)
