"""R1/R5: what a return would refund (shown before the buyer asks, C6), the request with its
answer-by deadline, and the buyer's withdrawal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from recourse.domain.order import Order
from recourse.domain.reasons import Reason, ReasonActor, check_reason
from recourse.domain.refund import RefundQuote
from recourse.domain.return_rules import (
    check_description,
    check_eligibility,
    check_lines,
    check_step,
    quote_buyer_return,
    returnable_units,
    window_ends_at,
)
from recourse.domain.returns import (
    ReasonCategory,
    Return,
    ReturnKind,
    ReturnLine,
    ReturnStatus,
    check_buyer,
    return_transition,
)
from recourse.domain.roles import Actor
from recourse.services import settle, subscribers
from recourse.services.events import ReturnRequested, ReturnWithdrawn
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.returns import NewReturn
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.answers import schedule_answer_by
from recourse.services.returns.common import (
    attach_files,
    business_days_after,
    entry,
    load,
    save,
    so_far,
    store_policy,
)

WITHDRAWABLE = frozenset({ReturnStatus.requested, ReturnStatus.offered, ReturnStatus.approved})


@dataclass(frozen=True, slots=True)
class ReturnQuote:
    """R5/C6: what the return would refund, and the dates that frame it: the remorse window's
    end (None when the store refuses remorse returns), the end of protection, and the answer-by
    time a request made now would carry."""

    quote: RefundQuote
    category: ReasonCategory
    reason: str
    window_ends_at: datetime | None
    protection_ends_at: datetime | None
    respond_by: datetime


@dataclass(frozen=True, slots=True)
class _Checked:
    order: Order
    reason: Reason
    category: ReasonCategory
    quote: ReturnQuote


def _check(
    uow: UnitOfWork,
    ctx: Context,
    actor: Actor,
    order_id: int,
    lines: Sequence[ReturnLine],
    reason: str,
    now: datetime,
    *,
    for_update: bool = False,
) -> _Checked:
    order = load_order(uow, actor, order_id, for_update=for_update)
    check_buyer(actor, buyer_id=order.buyer_id)
    chosen = check_reason(
        uow.reasons.get(reason), reason, actor=ReasonActor.buyer, note=None, for_return=True
    )
    policy = store_policy(uow, order, now)
    delivered_at = uow.returns.delivered_at(order.id)
    returns = uow.returns.for_order(order.id)
    category = check_eligibility(
        order, reason=chosen, policy=policy, delivered_at=delivered_at, returns=returns, now=now
    )
    check_lines(order, lines, returnable_units(order, returns))
    units = {x.line_id: x.quantity for x in lines}
    quote = quote_buyer_return(
        order, units, so_far(uow, order.id), category=category, policy=policy
    )
    assert delivered_at is not None
    return _Checked(
        order=order,
        reason=chosen,
        category=category,
        quote=ReturnQuote(
            quote=quote,
            category=category,
            reason=chosen.code,
            window_ends_at=(
                window_ends_at(delivered_at, policy) if policy.accepts_remorse_returns else None
            ),
            protection_ends_at=order.deadlines.protection_ends_at,
            respond_by=business_days_after(
                uow, ctx, order, now, policy.return_response_business_days
            ),
        ),
    )


def quote_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    lines: Sequence[ReturnLine],
    reason: str,
) -> ReturnQuote:
    """R5/C6: what returning these units for this reason would refund, checked as the request
    would be (R1), so a refusal reads the same before and after."""
    settle.settle_due(uow, ctx, order_id=order_id)
    with uow:
        return _check(uow, ctx, actor, order_id, lines, reason, ctx.clock.now()).quote


def _record(
    uow: UnitOfWork,
    checked: _Checked,
    actor: Actor,
    lines: Sequence[ReturnLine],
    description: str | None,
    request_key: str | None,
    now: datetime,
) -> Return:
    """R1: the return as it opens, waiting for the sellers until `respond_by`."""
    order, quote = checked.order, checked.quote
    return_id = uow.returns.add(
        NewReturn(
            order_id=order.id,
            store_id=order.store_id,
            kind=ReturnKind.buyer_return,
            status=ReturnStatus.requested,
            lines=tuple(sorted(lines, key=lambda x: x.line_id)),
            created_at=now,
            requested_by_role=str(actor.role),
            requested_by_id=actor.user_id,
            reason=checked.reason.code,
            category=str(checked.category),
            fault=str(checked.reason.fault),
            description=description,
            respond_by=quote.respond_by,
            due_at=quote.respond_by,
            request_key=request_key,
        )
    )
    ret = uow.returns.get(return_id)
    assert ret is not None
    return ret


def request_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    lines: Sequence[ReturnLine],
    reason: str,
    description: str | None,
    file_ids: Sequence[int] = (),
    request_key: str | None = None,
) -> int:
    """R1/R2: the buyer asks to send units back; the sellers answer by `respond_by`
    (`return_response_business_days` of the buyer's calendar), reminded before; silence
    approves. A retry with the same `request_key` finds the same return."""
    now = ctx.clock.now()
    settle.settle_due(uow, ctx, order_id=order_id)
    with uow:
        if request_key is not None:
            load_order(uow, actor, order_id)
            existing = uow.returns.id_by_request(order_id, request_key)
            if existing is not None:
                return existing
        checked = _check(uow, ctx, actor, order_id, lines, reason, now, for_update=True)
        order, quote = checked.order, checked.quote
        text = check_description(description, checked.category)
        ret = _record(uow, checked, actor, lines, text, request_key, now)
        attach_files(uow, actor, order.id, ret.id, file_ids, now)
        schedule_answer_by(uow, ret.id, quote.respond_by, now)
        refresh_status(uow, order, now)
        uow.timeline.add(
            entry(
                order,
                ret,
                actor,
                now,
                "return.requested",
                reason=ret.reason,
                note=text,
                respond_by=quote.respond_by.isoformat(),
                category=str(checked.category),
                units={str(x.line_id): x.quantity for x in ret.lines},
                refund=quote.quote.total,
                currency=order.currency,
            )
        )
        subscribers.record(
            uow, ctx, ReturnRequested(order=order, ret=ret, quote=quote.quote, at=now)
        )
        uow.commit()
    return ret.id


def withdraw_return(uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int) -> Return:
    """The buyer gives up the return before shipping it (requested, offered or approved)."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_buyer(actor, buyer_id=order.buyer_id)
        check_step(ret, WITHDRAWABLE)
        return_transition(ret.status, ReturnStatus.withdrawn)
        after = save(uow, ret, status=ReturnStatus.withdrawn, closed_at=now)
        refresh_status(uow, order, now)
        uow.timeline.add(entry(order, after, actor, now, "return.withdrawn"))
        subscribers.record(uow, ctx, ReturnWithdrawn(order=order, ret=after, at=now))
        uow.commit()
    return after
