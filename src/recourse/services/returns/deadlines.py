"""R2/R3/M2: what a return's deadline decides when it passes — silence approves (with the
store's address on file), an unanswered offer lapses, a parcel not sent closes the return —
and the reminders before them. (`refund_by` lives with the refund, in receiving.py.)

Each re-reads the return and acts only if the consequence still applies, so the worker's late
firing after a read settled it changes nothing. A consequence takes effect at the deadline's
moment, not at the moment it was noticed: the next deadline counts from there."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.returns import (
    OfferStatus,
    Return,
    ReturnStatus,
    return_due,
    return_transition,
)
from recourse.domain.roles import SYSTEM
from recourse.services import subscribers
from recourse.services.events import ReturnClosed, ReturnOfferAnswered, ReturnReminderDue
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.answers import approve, back_to_sellers
from recourse.services.returns.common import entry, save


def _due(uow: UnitOfWork, return_id: int, status: ReturnStatus, now: datetime) -> Return | None:
    ret = uow.returns.get(return_id, for_update=True)
    if ret is None or ret.status is not status or return_due(ret, now) is None:
        return None
    return ret


def return_respond_by_passed(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """R2: no answer by `respond_by` approves the return, to the store's address on file (when
    none is, the approval stands and the sellers are asked for one)."""
    now = ctx.clock.now()
    with uow:
        ret = _due(uow, return_id, ReturnStatus.requested, now)
        if ret is None:
            return False
        assert ret.respond_by is not None
        order = uow.orders.get(ret.order_id, for_update=True)
        assert order is not None
        address = uow.returns.store_return_address(order.store_id)
        approve(
            uow, ctx, order, ret, SYSTEM, ret.respond_by, address=address, automatic=True, now=now
        )
        uow.commit()
    return True


def offer_answer_by_passed(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """R2: the buyer did not answer the offer: it lapses and the sellers answer again."""
    now = ctx.clock.now()
    with uow:
        ret = _due(uow, return_id, ReturnStatus.offered, now)
        if ret is None:
            return False
        assert ret.offer_answer_by is not None
        order = uow.orders.get(ret.order_id, for_update=True)
        assert order is not None
        after = back_to_sellers(
            uow, ctx, order, ret, ret.offer_answer_by, offer_status=OfferStatus.lapsed, now=now
        )
        assert after.respond_by is not None
        uow.timeline.add(
            entry(
                order,
                after,
                SYSTEM,
                now,
                "return.offer_lapsed",
                respond_by=after.respond_by.isoformat(),
            )
        )
        subscribers.record(
            uow,
            ctx,
            ReturnOfferAnswered(
                order=order, ret=after, accepted=False, lapsed=True, refund_id=None, at=now
            ),
        )
        uow.commit()
    return True


def ship_by_passed(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """R3: not shipped back by `ship_by`: the return closes with no refund."""
    now = ctx.clock.now()
    with uow:
        ret = _due(uow, return_id, ReturnStatus.approved, now)
        if ret is None:
            return False
        assert ret.ship_by is not None
        order = uow.orders.get(ret.order_id, for_update=True)
        assert order is not None
        return_transition(ret.status, ReturnStatus.closed)
        after = save(uow, ret, status=ReturnStatus.closed, closed_at=ret.ship_by)
        refresh_status(uow, order, now)
        uow.timeline.add(
            entry(order, after, SYSTEM, now, "return.closed", ship_by=ret.ship_by.isoformat())
        )
        subscribers.record(uow, ctx, ReturnClosed(order=order, ret=after, at=now))
        uow.commit()
    return True


def _remind(
    uow: UnitOfWork,
    ctx: Context,
    return_id: int,
    status: frozenset[ReturnStatus],
    deadline: str,
    due_of: str,
) -> bool:
    now = ctx.clock.now()
    with uow:
        ret = uow.returns.get(return_id)
        if ret is None or ret.status not in status:
            return False
        due_at = getattr(ret, due_of)
        if due_at is None or now >= due_at:
            return False
        order = uow.orders.get(ret.order_id)
        assert order is not None
        subscribers.record(
            uow,
            ctx,
            ReturnReminderDue(order=order, ret=ret, deadline=deadline, due_at=due_at, at=now),
        )
        uow.commit()
    return True


def respond_reminder(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """M2/R2: the sellers, reminded before silence approves the return."""
    return _remind(
        uow, ctx, return_id, frozenset({ReturnStatus.requested}), "return.respond_by", "respond_by"
    )


def ship_reminder(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """M2/R3: the buyer, reminded before the return closes unsent."""
    return _remind(
        uow, ctx, return_id, frozenset({ReturnStatus.approved}), "return.ship_by", "ship_by"
    )


def refund_reminder(uow: UnitOfWork, ctx: Context, *, return_id: int) -> bool:
    """M2/R4: the sellers, reminded to check the parcel before the refund goes automatically."""
    return _remind(
        uow, ctx, return_id, frozenset({ReturnStatus.delivered}), "return.refund_by", "refund_by"
    )
