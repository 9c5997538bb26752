"""§6 refunds: record (F1, F2), send exactly once (F3), follow the provider (F4), date (F5).

A refund is recorded in the transaction of whatever causes it (txn 1), sent to the gateway by
the worker with its own idempotency key and no transaction open, and the answer recorded in a
second transaction (txn 2). Repeating the send after a crash reuses the key, so the provider
pays once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from recourse.currency import money_json
from recourse.domain.errors import (
    GatewayUnreachable,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleConflict,
)
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import (
    RefundCause,
    RefundQuote,
    RefundStatus,
    after_gateway_lookup,
    check_ceiling,
    check_refund_reason,
    mark_refunded,
    quote_amount,
    refund_transition,
)
from recourse.domain.roles import SYSTEM, Actor, Role
from recourse.domain.settlement import ExpectedBy, expected_by, refund_destination
from recourse.domain.timeline import TimelineEntry
from recourse.services import events
from recourse.services.notify import notify_user
from recourse.services.orders import load_order
from recourse.services.ports import (
    Context,
    GatewayRefund,
    GatewayUnavailable,
    NewRefund,
    PaymentGateway,
    Refund,
    UnitOfWork,
)

SEND = "refund.send"
CHECK = "refund.check"
FIRST_CHECK_AFTER = timedelta(minutes=30)
MAX_CHECK_INTERVAL = timedelta(hours=12)
RETRY_LOOKUP_AFTER_SECONDS = 60

log = logging.getLogger("recourse.refunds")


def _payload(refund: Refund) -> dict[str, Any]:
    return {
        "refund_id": refund.id,
        "order_id": refund.order_id,
        "status": str(refund.status),
        "amount": refund.amount,
        "currency": refund.currency,
        "method": refund.method,
        "cause": refund.cause,
        "trace_number": refund.trace_number,
        "expected_by": {
            "earliest": refund.expected_earliest.isoformat(),
            "latest": refund.expected_latest.isoformat(),
        },
    }


def record_refund(
    uow: UnitOfWork,
    ctx: Context,
    *,
    order: Order,
    quote: RefundQuote,
    actor: Actor,
    gateway: str,
    cause_ref: str | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> int:
    """F1/F2: inside the caller's transaction, with the order row locked by the caller."""
    check_ceiling(quote)
    now = ctx.clock.now()
    expected = _expected(uow, ctx, order, now)
    refund_id = uow.refunds.add(
        NewRefund(
            order_id=order.id,
            quote=quote,
            cause_ref=cause_ref,
            reason=reason,
            note=note,
            created_by_role=str(actor.role),
            created_by_id=actor.user_id,
            gateway=gateway,
            expected_earliest=expected.earliest,
            expected_latest=expected.latest,
            created_at=now,
        )
    )
    changes = mark_refunded(order, quote)
    if changes:
        uow.orders.save_quantities(order.id, changes)
    refund = uow.refunds.get(refund_id)
    assert refund is not None
    amount = money_json(Money(quote.total, quote.currency))
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="refund.created",
            reason=reason,
            note=note,
            data={
                "refund_id": refund_id,
                "amount": quote.total,
                "currency": quote.currency,
                "cause": str(quote.cause),
                "expected_latest": expected.latest.isoformat(),
            },
        )
    )
    uow.outbox.add(
        SEND, {"refund_id": refund_id}, available_at=now, dedupe_key=f"refund:{refund_id}:send:0"
    )
    events.publish(uow, event_type="refund.created", data=_payload(refund), now=now)
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="refund.created",
        title=f"Refund of {amount['formatted']} on its way",
        body=(
            f"We are refunding {amount['formatted']} for order #{order.id} to "
            f"{refund_destination(str(order.payment.method))}. Expect it between "
            f"{expected.earliest.day} {expected.earliest:%b} and "
            f"{expected.latest.day} {expected.latest:%b %Y}."
        ),
        order_id=order.id,
        link=f"/orders/{order.id}#refunds",
        now=now,
        dedupe_key=f"refund:{refund_id}:created",
        email_template="refund_created",
        email_context={
            "order_id": order.id,
            "refund_id": refund_id,
            "amount": amount,
            "method": str(order.payment.method),
            "destination": refund_destination(str(order.payment.method)),
            "cause": str(quote.cause),
            "earliest": expected.earliest.isoformat(),
            "latest": expected.latest.isoformat(),
        },
    )
    return refund_id


def _expected(uow: UnitOfWork, ctx: Context, order: Order, now: datetime) -> ExpectedBy:
    """F5: from the day it is issued in the buyer's zone, in their country's business days."""
    home = uow.users.home(order.buyer_id)
    assert home is not None
    country, timezone = home
    profile = uow.settlement.profile(str(order.payment.method))
    issued_on = now.astimezone(ZoneInfo(timezone)).date()
    return expected_by(
        issued_on,
        profile,
        lambda day: ctx.holidays.is_holiday(country, day),
        ctx.holidays.weekend(country),
    )


def expected_if_issued_now(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int
) -> ExpectedBy:
    """F5 for a quote: the dates a refund of this order issued now would carry."""
    with uow:
        return _expected(uow, ctx, load_order(uow, actor, order_id), ctx.clock.now())


def quote_manual_refund(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, amount: int
) -> RefundQuote:
    """What a support refund of `amount` would look like, and what stays refundable."""
    with uow:
        order = load_order(uow, actor, order_id)
        if actor.role is not Role.support:
            raise NotAllowed("Only support agents issue manual refunds.")
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
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        if actor.role is not Role.support:
            raise NotAllowed("Only support agents issue manual refunds.")
        code = check_refund_reason(reason, note)
        cause_ref = f"manual:{request_key}" if request_key else None
        if cause_ref is not None:
            existing = uow.refunds.id_by_cause(order.id, cause_ref)
            if existing is not None:
                return existing
        so_far = uow.refunds.so_far(order.id)
        quote = quote_amount(order, amount, so_far, cause=RefundCause.manual)
        if currency is not None and currency.upper() != order.currency:
            raise InvalidInput(
                "currency",
                f"The order is paid in {order.currency}; refunds are in {order.currency}.",
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
            raise NotFound(f"No refund {refund_id}.")
        status = _apply_answer(uow, refund, answer, now)
        uow.commit()
    return status


def _apply_answer(
    uow: UnitOfWork, refund: Refund, answer: GatewayRefund, now: datetime
) -> RefundStatus:
    target = RefundStatus(str(answer.status))
    if refund.status is RefundStatus.succeeded and target is RefundStatus.failed:
        # The provider reversed a refund it had paid (e.g. a closed card): support acts.
        uow.refunds.update(
            refund.id,
            needs_attention=True,
            last_error=answer.failure_reason or "reversed by the provider after success",
        )
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
        return refund.status
    if target == refund.status or refund.status is RefundStatus.succeeded:
        return refund.status
    refund_transition(refund.status, target)
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
    uow.refunds.update(refund.id, **values)
    updated = uow.refunds.get(refund.id)
    assert updated is not None
    _after_status_change(uow, updated, refund.status, now)
    if target is RefundStatus.processing:
        schedule_check(uow, refund_id=refund.id, after=FIRST_CHECK_AFTER, now=now, n=1)
    return target


def look_up(gateway: PaymentGateway, reference: str) -> GatewayRefund | None:
    """T1: the gateway's own record of a refund (None: it has none), asked with no
    transaction open. A gateway that cannot be reached changes nothing and is asked again."""
    try:
        return gateway.retrieve_refund(reference)
    except LookupError:
        return None
    except GatewayUnavailable as exc:
        raise GatewayUnreachable(
            f"The {gateway.name} gateway could not be asked about refund {reference}; "
            "nothing was changed. Try again shortly.",
            gateway=gateway.name,
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
        uow.commit()


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
    if actor.role is not Role.support:
        raise NotAllowed("Only support agents retry refunds.")
    with uow:
        seen = uow.refunds.get(refund_id)
    if seen is None:
        raise NotFound(f"No refund {refund_id}.")
    confirmed = None
    if seen.status is RefundStatus.failed and seen.gateway_reference:
        confirmed = look_up(gateways[seen.gateway], seen.gateway_reference)
    now = ctx.clock.now()
    with uow:
        refund = uow.refunds.get(refund_id, for_update=True)
        if refund != seen:
            raise RuleConflict(
                "refund_changed",
                "The refund changed while the gateway was asked about it; look at it again.",
            )
        assert refund is not None
        order = uow.orders.get(refund.order_id, for_update=True)
        assert order is not None
        if refund.status is RefundStatus.failed:
            target = after_gateway_lookup(
                None if confirmed is None else RefundStatus(str(confirmed.status))
            )
            if confirmed is not None and target is not RefundStatus.pending:
                _apply_answer(uow, refund, confirmed, now)
                uow.commit()
                log.warning(
                    "refund %s: recorded as failed, the %s gateway confirmed %s; not sent again",
                    refund.id,
                    refund.gateway,
                    target,
                )
                raise RuleConflict(
                    "refund_not_failed_at_gateway",
                    f"The payment gateway reports this refund {target}, so it is not sent "
                    "again; the ledger now says so too.",
                    gateway_status=str(target),
                )
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
        elif refund.status is RefundStatus.pending and refund.needs_attention:
            generation = refund.attempts + 1
            uow.refunds.update(refund.id, attempts=generation, needs_attention=False)
        else:
            raise RuleConflict(
                "refund_not_retryable",
                f"The refund is {refund.status}; only failed or stuck refunds can be retried.",
                status=str(refund.status),
            )
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


def find_by_reference(uow: UnitOfWork, *, gateway: str, reference: str) -> int | None:
    with uow:
        return uow.refunds.id_by_reference(gateway, reference)


def _after_status_change(
    uow: UnitOfWork, refund: Refund, previous: RefundStatus, now: datetime
) -> None:
    amount = money_json(Money(refund.amount, refund.currency))
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
    events.publish(uow, event_type=f"refund.{refund.status}", data=_payload(refund), now=now)
    order = uow.orders.get(refund.order_id)
    assert order is not None
    if refund.status is RefundStatus.succeeded:
        notify_user(
            uow,
            user_id=order.buyer_id,
            kind="refund.succeeded",
            title=f"Refund of {amount['formatted']} sent",
            body=(
                f"Your refund for order #{order.id} has left us"
                + (f" (reference {refund.trace_number})" if refund.trace_number else "")
                + f". It should be on your statement by {refund.expected_latest.day} "
                + f"{refund.expected_latest:%b %Y}."
            ),
            order_id=order.id,
            link=f"/orders/{order.id}#refunds",
            now=now,
            dedupe_key=f"refund:{refund.id}:succeeded",
            email_template="refund_succeeded",
            email_context={
                "order_id": order.id,
                "refund_id": refund.id,
                "amount": amount,
                "trace_number": refund.trace_number,
                "latest": refund.expected_latest.isoformat(),
            },
        )
    elif refund.status is RefundStatus.failed:
        notify_user(
            uow,
            user_id=order.buyer_id,
            kind="refund.failed",
            title=f"Refund of {amount['formatted']} delayed",
            body=(
                f"The payment provider could not process the refund for order #{order.id}. "
                "Our support team has been alerted and will send it again."
            ),
            order_id=order.id,
            link=f"/orders/{order.id}#refunds",
            now=now,
            dedupe_key=f"refund:{refund.id}:failed:{refund.attempts}",
            email_template="refund_failed",
            email_context={"order_id": order.id, "refund_id": refund.id, "amount": amount},
        )
