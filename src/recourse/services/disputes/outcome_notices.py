"""D3-D6/M2/M3: what the end of a dispute tells — a decision (support's, or the appeal's) and
a settlement (accepted, silence, agreed, decided for good): the `dispute.decided` and
`dispute.resolved` events, and one email to each side whose money moves or who must send items
back, with the rationale, the refund's expected dates (F5) and where to send what comes back.
A refund or a return a dispute carried out is told in these emails: their own handlers here
publish only the webhook event."""

from __future__ import annotations

from typing import Any

from recourse.domain.disputes import OPEN_STATUSES, Dispute, Party, Proposal
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundCause
from recourse.domain.returns import ReturnKind
from recourse.services import events
from recourse.services.disputes.notices import (
    amount_fact,
    event_data,
    key_of,
    params_of,
    to_buyer,
    to_sellers,
)
from recourse.services.events import (
    DisputeDecided,
    DisputeResolved,
    RefundRecorded,
    ReturnApproved,
)
from recourse.services.notify import moment, money_fact
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds import notices as refund_notices
from recourse.services.returns import notices as return_notices


def _money_moves(uow: UnitOfWork, order: Order, refund_id: int | None) -> dict[str, Any]:
    """F5: what a refund the dispute made pays, where to, and the dates it should arrive by."""
    refund = uow.refunds.get(refund_id) if refund_id is not None else None
    if refund is None:
        return {"refund": None}
    return {
        "refund": money_fact(Money(refund.amount, refund.currency)),
        "refund_id": refund.id,
        "method": refund.method,
        "earliest": refund.expected_earliest.isoformat(),
        "latest": refund.expected_latest.isoformat(),
    }


def _return_to_send(uow: UnitOfWork, return_id: int | None) -> dict[str, Any]:
    """R3: where the buyer sends the items a dispute settled on, and by when."""
    ret = uow.returns.get(return_id) if return_id is not None else None
    if ret is None:
        return {}
    return {
        "return_id": ret.id,
        "return_address": ret.return_address,
        "ship_by": moment(ret.ship_by),
    }


def announce_decided(uow: UnitOfWork, ctx: Context, e: DisputeDecided) -> None:
    """D5/D6: `dispute.decided`; both sides, by email: the outcome, the rationale, what money
    moves and when it should arrive (F5), what to send back, and until when to appeal."""
    order, d, decision = e.order, e.dispute, e.decision
    amount = amount_fact(order, decision.amount)
    appeal_by = None if e.appeal else moment(d.appeal_by)
    money = _money_moves(uow, order, e.refund_id)
    events.publish(
        uow,
        event_type="dispute.decided",
        data=event_data(
            order,
            d,
            appeal=e.appeal,
            outcome=str(decision.outcome),
            decided_amount=amount,
            rationale=decision.rationale,
            charged_to_store=decision.charged_to_store,
            decided_at=moment(decision.decided_at),
            decided_refund_id=e.refund_id,
            decided_return_id=e.return_id,
            refunded=money["refund"],
        ),
        now=e.at,
    )
    params = params_of(
        order,
        d,
        appeal=e.appeal,
        outcome=str(decision.outcome),
        amount=amount,
        rationale=decision.rationale,
        appeal_by=appeal_by,
    )
    context = {
        **money,
        **_return_to_send(uow, e.return_id),
        "charged_to_store": decision.charged_to_store,
    }
    key = key_of(d, "decided", "appeal" if e.appeal else "first")
    for tell in (to_buyer, to_sellers):
        tell(
            uow,
            order,
            d,
            kind="dispute.decided",
            params=params,
            now=e.at,
            key=key,
            email="dispute_decided",
            context=context,
        )


def _carried_out(d: Dispute) -> Proposal | None:
    """The proposal a settlement carried out: the buyer's when the seller accepted or stayed
    silent, else the latest proposal (the one the other side accepted)."""
    if str(d.resolution) in ("seller_accepted", "seller_silent"):
        return d.latest(Party.buyer)
    return d.proposals[-1] if d.proposals else None


def announce_resolved(uow: UnitOfWork, ctx: Context, e: DisputeResolved) -> None:
    """`dispute.resolved`. Settled by the seller's acceptance, their silence or an agreement:
    the buyer, by email, with what is carried out and the money (or where to send the items);
    the sellers by email too when their silence decided, else in-app. Ended by a decision (no
    appeal in time, or the appeal decided): both sides in-app — the decision's email told."""
    order, d = e.order, e.dispute
    resolution = str(d.resolution) if d.resolution else None
    money = _money_moves(uow, order, e.refund_id)
    events.publish(
        uow,
        event_type="dispute.resolved",
        data=event_data(
            order,
            d,
            resolution=resolution,
            resolved_refund_id=e.refund_id,
            resolved_return_id=e.return_id,
            refunded=money["refund"],
        ),
        now=e.at,
    )
    key = key_of(d, "resolved")
    if resolution in ("decided", "appeal_decided"):
        params = params_of(order, d, resolution=resolution)
        if resolution == "decided":  # the appeal decision's own notice told the rest
            to_buyer(uow, order, d, kind="dispute.resolved", params=params, now=e.at, key=key)
            to_sellers(uow, order, d, kind="dispute.resolved", params=params, now=e.at, key=key)
        return
    done = _carried_out(d)
    params = params_of(
        order,
        d,
        resolution=resolution,
        wanted=str(done.wanted) if done else str(d.wanted),
        amount=amount_fact(order, done.amount if done else d.amount),
    )
    context = {**money, **_return_to_send(uow, e.return_id)}
    to_buyer(
        uow,
        order,
        d,
        kind="dispute.resolved",
        params=params,
        now=e.at,
        key=key,
        email="dispute_resolved",
        context=context,
    )
    to_sellers(
        uow,
        order,
        d,
        kind="dispute.resolved",
        params=params,
        now=e.at,
        key=key,
        email="dispute_resolved" if resolution == "seller_silent" else None,
        context=context,
    )


def announce_refund_created(uow: UnitOfWork, ctx: Context, e: RefundRecorded) -> None:
    """F4: a refund a dispute made publishes `refund.created` only — the dispute's email (its
    decision or settlement) tells the buyer the amount and the dates; any other refund is told
    as refunds tell it."""
    if e.refund.cause == str(RefundCause.dispute):
        events.publish(
            uow,
            event_type="refund.created",
            data=refund_notices.payload(e.refund),
            now=e.at,
        )
        return
    refund_notices.announce_created(uow, ctx, e)


def _carried_out_return(uow: UnitOfWork, e: ReturnApproved) -> bool:
    """A return a dispute opened and approved in the same step (D3-D5: return and refund, or
    refund after return): never asked through R1, so it has no answer-by time, and the order's
    dispute is still open while it is carried out."""
    r = e.ret
    if r.kind is not ReturnKind.buyer_return or r.respond_by is not None or e.automatic:
        return False
    return any(d.status in OPEN_STATUSES for d in uow.disputes.for_order(e.order.id))


def announce_return_approved(uow: UnitOfWork, ctx: Context, e: ReturnApproved) -> None:
    """R2/R3: a return a dispute carried out publishes `return.approved` only — the dispute's
    email (its decision or settlement) tells the buyer where to send the items and by when;
    every other approval is told as returns tell it (so is one without an address on file,
    whose sellers are asked for one)."""
    order, r = e.order, e.ret
    if r.return_address is None or not _carried_out_return(uow, e):
        return_notices.announce_approved(uow, ctx, e)
        return
    events.publish(
        uow,
        event_type="return.approved",
        data=return_notices.event_data(
            order,
            r,
            ship_by=moment(r.ship_by),
            automatic=e.automatic,
            return_address=r.return_address,
        ),
        now=e.at,
    )
