"""R4 with D1/D5: a problem the sellers report with what came back opens a dispute.

The buyer sent the units back for their refund and the sellers say no: the two sides have
already said what they want, so the `return_refused` dispute goes straight to support, who
decides by the SLA (`support_sla_hours`) as for any escalated dispute. The buyer may still add
evidence or withdraw it. No dispute opens when the order already has one open, or when this
return was disputed and settled before; the return stays flagged to support either way.
"""

from __future__ import annotations

from datetime import datetime

from recourse.domain.dispute_opening import (
    asked_on_problem,
    check_none_open,
    check_not_disputed_before,
)
from recourse.domain.disputes import DisputeStatus, DisputeType, Wanted
from recourse.domain.errors import RuleConflict
from recourse.domain.order import Order
from recourse.domain.returns import Return, ReturnKind
from recourse.domain.roles import SYSTEM
from recourse.services import subscribers
from recourse.services.disputes.common import entry, reload, still_refundable
from recourse.services.disputes.execute import escalate_now
from recourse.services.disputes.open import opening_proposal
from recourse.services.events import DisputeOpenedOnProblem
from recourse.services.ports.common import Context
from recourse.services.ports.disputes import NewDispute
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.returns.common import quote_of, store_policy


def open_on_problem(
    uow: UnitOfWork, ctx: Context, order: Order, ret: Return, now: datetime
) -> int | None:
    """In the caller's transaction (the order locked, `ret` just flagged `problem`): the
    dispute's id, or None when none may open."""
    if ret.kind is not ReturnKind.buyer_return or ret.requested_by_id is None:
        return None
    disputes = uow.disputes.for_order(order.id)
    try:
        check_none_open(disputes)
        check_not_disputed_before(disputes, DisputeType.return_refused, ret.id)
    except RuleConflict:
        return None
    asked = _what_the_buyer_asked(uow, order, ret, now)
    if asked is None:
        return None
    wanted, amount = asked
    new = NewDispute(
        order_id=order.id,
        store_id=order.store_id,
        type=DisputeType.return_refused,
        status=DisputeStatus.awaiting_seller,
        wanted=wanted,
        amount=amount,
        description=ret.problem_note or "",
        opened_by_id=ret.requested_by_id,
        opened_at=now,
        # the sellers answered already, by reporting the problem: nothing waits for them
        respond_by=now,
        escalate_at=now,
        due_at=now,
        return_id=ret.id,
    )
    dispute_id = opening_proposal(uow, new)
    d = reload(uow, dispute_id)
    uow.timeline.add(
        entry(
            order,
            d,
            SYSTEM,
            now,
            "dispute.opened",
            note=new.description,
            wanted=str(wanted),
            amount=amount,
            currency=order.currency,
            return_id=ret.id,
        )
    )
    subscribers.record(
        uow, ctx, DisputeOpenedOnProblem(order=order, dispute=d, return_id=ret.id, at=now)
    )
    escalate_now(uow, ctx, order, d, SYSTEM, "system", now, now, return_id=ret.id)
    return dispute_id


def _what_the_buyer_asked(
    uow: UnitOfWork, order: Order, ret: Return, now: datetime
) -> tuple[Wanted, int | None] | None:
    """The return's refund (R5, as it would be paid now) against what is left to refund on the
    order (domain/dispute_opening.py: asked_on_problem)."""
    total = quote_of(uow, order, ret, store_policy(uow, order, now)).total
    return asked_on_problem(total, still_refundable(uow, order))
