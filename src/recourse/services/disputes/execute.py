"""D3-D6: carrying out what a dispute settled, in the transaction that settles it.

Money goes through the refund ledger at once (cause `dispute`, cause reference
`dispute:<id>`), never more than is still refundable (F2). A return goes through the returns
capability: an approved buyer return of the delivered units that can still go back, to the
store's return address, whose refund follows the return's own steps (shipped, received,
refunded by the seller or by `refund_by`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.domain.dispute_rules import appeal_refund, refund_for, sla_due_from, wants_return
from recourse.domain.disputes import (
    Dispute,
    DisputeStatus,
    Outcome,
    Resolution,
    Wanted,
    dispute_transition,
)
from recourse.domain.errors import RuleConflict
from recourse.domain.order import Order
from recourse.domain.reasons import Fault
from recourse.domain.refund import RefundCause, dispute_ref, quote_amount
from recourse.domain.returns import ReasonCategory, ReturnKind, ReturnLine, ReturnStatus
from recourse.domain.roles import Actor
from recourse.services import subscribers
from recourse.services.disputes.common import entry, save, still_refundable, units_to_return
from recourse.services.events import DisputeEscalated, DisputeResolved
from recourse.services.orders import refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.returns import NewReturn
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import record_refund
from recourse.services.returns.answers import approve


@dataclass(frozen=True, slots=True)
class Carried:
    """What carrying out made: a refund, an approved return, or neither."""

    refund_id: int | None = None
    return_id: int | None = None


def refund(
    uow: UnitOfWork, ctx: Context, order: Order, d: Dispute, actor: Actor, amount: int
) -> int | None:
    """F1/F2: a refund of `amount` for the dispute (none when there is nothing to pay)."""
    if amount <= 0:
        return None
    quote = quote_amount(order, amount, uow.refunds.so_far(order.id), cause=RefundCause.dispute)
    return record_refund(
        uow,
        ctx,
        order=order,
        quote=quote,
        actor=actor,
        gateway=ctx.gateway,
        cause_ref=dispute_ref(d.id),
        reason=str(d.type),
    )


def open_approved_return(
    uow: UnitOfWork, ctx: Context, order: Order, d: Dispute, actor: Actor, now: datetime
) -> int:
    """D3/D5: a buyer return of every delivered unit that can still go back, not as described
    (the seller's fault: refunded in full with the shipping), approved at once to the store's
    return address through the returns capability's own approval (ship-by, reminders, notices).
    """
    units = units_to_return(uow, order)
    if not units:
        raise RuleConflict("dispute_nothing_to_return")
    return_id = uow.returns.add(
        NewReturn(
            order_id=order.id,
            store_id=order.store_id,
            kind=ReturnKind.buyer_return,
            status=ReturnStatus.requested,
            lines=tuple(ReturnLine(line_id=k, quantity=v) for k, v in sorted(units.items())),
            created_at=now,
            requested_by_role=str(actor.role),
            requested_by_id=actor.user_id,
            reason="not_as_described",
            category=str(ReasonCategory.not_as_described),
            fault=str(Fault.seller),
            description=d.description,
        )
    )
    ret = uow.returns.get(return_id)
    assert ret is not None
    address = uow.returns.store_return_address(order.store_id)
    approve(uow, ctx, order, ret, actor, now, address=address, automatic=False, now=now)
    return return_id


def carry_out(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    wanted: Wanted | Outcome,
    amount: int | None,
    now: datetime,
) -> Carried:
    """D3/D4/D5: what was accepted, agreed or decided, carried out at once."""
    if wants_return(wanted):
        return Carried(return_id=open_approved_return(uow, ctx, order, d, actor, now))
    paid = refund_for(wanted, amount, still_refundable(uow, order))
    return Carried(refund_id=refund(uow, ctx, order, d, actor, paid))


def carry_out_appeal(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    outcome: Outcome,
    amount: int | None,
    now: datetime,
) -> Carried:
    """D6: the appeal's decision executes the difference only — money already refunded is
    never taken back; a refund after return opens a return only if the first decision did
    not (its return carries the refund)."""
    first = d.decision
    if outcome is Outcome.refund_after_return:
        if first is not None and first.outcome is Outcome.refund_after_return:
            return Carried()
        return Carried(return_id=open_approved_return(uow, ctx, order, d, actor, now))
    refunded = uow.disputes.refunded_by(order.id, dispute_ref(d.id))
    paid = appeal_refund(outcome, amount, still_refundable(uow, order), refunded)
    return Carried(refund_id=refund(uow, ctx, order, d, actor, paid))


def resolve(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    resolution: Resolution,
    carried: Carried,
    now: datetime,
    *,
    at: datetime | None = None,
    **data: Any,
) -> Dispute:
    """The dispute ends (`at`: the moment it took effect, a deadline's when one decided)."""
    dispute_transition(d.status, DisputeStatus.resolved)
    after = save(
        uow, d, status=DisputeStatus.resolved, resolution=resolution, resolved_at=at or now
    )
    refresh_status(uow, order, now)
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "dispute.resolved",
            resolution=str(resolution),
            refund_id=carried.refund_id,
            return_id=carried.return_id,
            **data,
        )
    )
    subscribers.record(
        uow,
        ctx,
        DisputeResolved(
            order=order,
            dispute=after,
            refund_id=carried.refund_id,
            return_id=carried.return_id,
            at=now,
        ),
    )
    return after


def escalate_now(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    d: Dispute,
    actor: Actor,
    by: str,
    at: datetime,
    now: datetime,
    **data: Any,
) -> Dispute:
    """D4/D5: support decides by `sla_due_at` (`support_sla_hours` after `at`)."""
    dispute_transition(d.status, DisputeStatus.escalated)
    sla_due_at = sla_due_from(at, uow.platform.policy())
    after = save(
        uow,
        d,
        status=DisputeStatus.escalated,
        escalated_at=at,
        escalated_by=by,
        sla_due_at=sla_due_at,
    )
    uow.timeline.add(
        entry(
            order,
            after,
            actor,
            now,
            "dispute.escalated",
            escalated_by=by,
            sla_due_at=sla_due_at.isoformat(),
            **data,
        )
    )
    subscribers.record(uow, ctx, DisputeEscalated(order=order, dispute=after, by=by, at=now))
    return after
