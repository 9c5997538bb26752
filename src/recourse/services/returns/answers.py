"""R2: the sellers answer a return — approve (with the address it goes to), decline (with a
reason), or offer a partial refund once; the buyer accepts or declines the offer. Silence
approves, and an unanswered offer lapses (services/returns/deadlines.py)."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.errors import InvalidInput
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundCause, quote_amount, return_ref
from recourse.domain.return_rules import check_address, check_offer, check_step, ship_by_from
from recourse.domain.returns import (
    DESCRIPTION_MAX,
    OFFER_ANSWER_BY,
    RESPOND_BY,
    RESPOND_REMINDER,
    SHIP_BY,
    SHIP_REMINDER,
    OfferStatus,
    ReasonCategory,
    Return,
    ReturnStatus,
    check_buyer,
    check_seller,
    return_transition,
)
from recourse.domain.roles import Actor
from recourse.services import settle, subscribers
from recourse.services.events import (
    ReturnApproved,
    ReturnDeclined,
    ReturnOfferAnswered,
    ReturnOffered,
)
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import record_refund
from recourse.services.returns.common import (
    business_days_after,
    entry,
    load,
    quote_of,
    save,
    so_far,
    store_policy,
)

ANSWERABLE = frozenset({ReturnStatus.requested})
OFFER_OPEN = frozenset({ReturnStatus.offered})


def approve(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    ret: Return,
    actor: Actor,
    at: datetime,
    *,
    address: str | None,
    automatic: bool,
    now: datetime,
) -> Return:
    """R2/R3 in the caller's transaction: approved at `at` (the answer, or the moment silence
    answered); the buyer ships by `at` + `return_ship_days`, reminded before."""
    return_transition(ret.status, ReturnStatus.approved)
    platform = uow.platform.policy()
    ship_by = ship_by_from(at, platform)
    after = save(
        uow,
        ret,
        status=ReturnStatus.approved,
        decided_at=at,
        decided_by_role=str(actor.role),
        decided_by_id=actor.user_id,
        return_address=address,
        ship_by=ship_by,
    )
    schedule_deadline(uow, name=SHIP_BY, subject_id=ret.id, due_at=ship_by)
    schedule_reminder(
        uow,
        name=SHIP_REMINDER,
        subject_id=ret.id,
        due_at=ship_by,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "return.approved",
            ship_by=ship_by.isoformat(),
            automatic=automatic,
            address_on_file=address is not None,
        )
    )
    subscribers.record(
        uow, ctx, ReturnApproved(order=order, ret=after, automatic=automatic, at=now)
    )
    return after


def back_to_sellers(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    ret: Return,
    at: datetime,
    *,
    offer_status: OfferStatus,
    now: datetime,
) -> Return:
    """R2: a declined or lapsed offer puts the request back to the sellers, who answer within a
    fresh `return_response_business_days` from `at` and may not offer again."""
    return_transition(ret.status, ReturnStatus.requested)
    policy = store_policy(uow, order, now)
    respond_by = business_days_after(uow, ctx, order, at, policy.return_response_business_days)
    after = save(
        uow, ret, status=ReturnStatus.requested, offer_status=offer_status, respond_by=respond_by
    )
    schedule_answer_by(uow, ret.id, respond_by, now)
    return after


def schedule_answer_by(
    uow: UnitOfWork, return_id: int, respond_by: datetime, now: datetime
) -> None:
    """R2/M2: silence approves at `respond_by`; the sellers are reminded before."""
    schedule_deadline(uow, name=RESPOND_BY, subject_id=return_id, due_at=respond_by)
    schedule_reminder(
        uow,
        name=RESPOND_REMINDER,
        subject_id=return_id,
        due_at=respond_by,
        remind_before_hours=uow.platform.policy().remind_before_hours,
        now=now,
    )


def approve_return(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    return_id: int,
    return_address: str | None = None,
) -> Return:
    """R2: a seller approves, naming where the parcel goes (the store's address on file when
    none is given)."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_seller(actor, store_id=order.store_id)
        check_step(ret, ANSWERABLE)
        address = return_address
        if address is None or not address.strip():
            address = uow.returns.store_return_address(order.store_id)
        after = approve(
            uow,
            ctx,
            order,
            ret,
            actor,
            now,
            address=check_address(address),
            automatic=False,
            now=now,
        )
        uow.commit()
    return after


def decline_return(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int, reason: str
) -> Return:
    """R2: a seller declines, saying why; the return ends (the buyer may escalate)."""
    now = ctx.clock.now()
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "return.decline_reason_needed")
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput("reason", "return.note_too_long", max=DESCRIPTION_MAX)
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_seller(actor, store_id=order.store_id)
        check_step(ret, ANSWERABLE)
        return_transition(ret.status, ReturnStatus.declined)
        after = save(
            uow,
            ret,
            status=ReturnStatus.declined,
            decided_at=now,
            decided_by_role=str(actor.role),
            decided_by_id=actor.user_id,
            decline_reason=text,
            closed_at=now,
        )
        refresh_status(uow, order, now)
        uow.timeline.add(entry(order, after, actor, now, "return.declined", note=text))
        subscribers.record(uow, ctx, ReturnDeclined(order=order, ret=after, at=now))
        uow.commit()
    return after


def offer_partial_refund(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int, amount: int
) -> Return:
    """R2: once per return, a seller offers part of the refund for the buyer to keep the item;
    the buyer answers within `return_response_business_days`."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_seller(actor, store_id=order.store_id)
        check_step(ret, ANSWERABLE)
        policy = store_policy(uow, order, now)
        check_offer(ret, amount, quote_of(uow, order, ret, policy))
        return_transition(ret.status, ReturnStatus.offered)
        answer_by = business_days_after(uow, ctx, order, now, policy.return_response_business_days)
        after = save(
            uow,
            ret,
            status=ReturnStatus.offered,
            offer_amount=amount,
            offer_status=OfferStatus.offered,
            offer_answer_by=answer_by,
            decided_at=now,
            decided_by_role=str(actor.role),
            decided_by_id=actor.user_id,
        )
        schedule_deadline(uow, name=OFFER_ANSWER_BY, subject_id=ret.id, due_at=answer_by)
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "return.offered",
                amount=amount,
                currency=order.currency,
                offer_answer_by=answer_by.isoformat(),
            )
        )
        subscribers.record(uow, ctx, ReturnOffered(order=order, ret=after, at=now))
        uow.commit()
    return after


def accept_offer(uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int) -> Return:
    """R2: the buyer keeps the item for the offered amount, refunded at once; the return ends."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_buyer(actor, buyer_id=order.buyer_id)
        check_step(ret, OFFER_OPEN)
        assert ret.offer_amount is not None
        cause = (
            RefundCause.not_as_described_return
            if ret.category is ReasonCategory.not_as_described
            else RefundCause.remorse_return
        )
        quote = quote_amount(order, ret.offer_amount, so_far(uow, order.id), cause=cause)
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=ctx.gateway,
            cause_ref=return_ref(ret.id),
            reason=ret.reason,
        )
        return_transition(ret.status, ReturnStatus.offer_accepted)
        after = save(
            uow,
            ret,
            status=ReturnStatus.offer_accepted,
            offer_status=OfferStatus.accepted,
            refund_id=refund_id,
            closed_at=now,
        )
        refresh_status(uow, order, now)
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "return.offer_accepted",
                refund_id=refund_id,
                amount=Money(ret.offer_amount, order.currency).minor,
                currency=order.currency,
            )
        )
        subscribers.record(
            uow,
            ctx,
            ReturnOfferAnswered(
                order=order, ret=after, accepted=True, lapsed=False, refund_id=refund_id, at=now
            ),
        )
        uow.commit()
    return after


def decline_offer(uow: UnitOfWork, ctx: Context, *, actor: Actor, return_id: int) -> Return:
    """R2: the buyer wants to send the item back after all: the sellers answer again (approve
    or decline; no second offer)."""
    now = ctx.clock.now()
    settle.settle_for_return(uow, ctx, return_id=return_id)
    with uow:
        ret, order = load(uow, actor, return_id, for_update=True)
        check_buyer(actor, buyer_id=order.buyer_id)
        check_step(ret, OFFER_OPEN)
        after = back_to_sellers(
            uow, ctx, order, ret, now, offer_status=OfferStatus.declined, now=now
        )
        assert after.respond_by is not None
        uow.timeline.add(
            entry(
                order,
                after,
                actor,
                now,
                "return.offer_declined",
                respond_by=after.respond_by.isoformat(),
            )
        )
        subscribers.record(
            uow,
            ctx,
            ReturnOfferAnswered(
                order=order, ret=after, accepted=False, lapsed=False, refund_id=None, at=now
            ),
        )
        uow.commit()
    return after
