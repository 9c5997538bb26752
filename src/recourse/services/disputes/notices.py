"""D1-D7/M2/M3: what a dispute tells — `dispute.*` webhook events, in-app notifications and
emails, written in the transaction of the change. Each function handles a fact of
services/events.py; services/subscribers.py maps the facts to them.

One email per thing that happened, to each person who must act or whose money moves: the
sellers when a dispute is opened or the buyer proposes, the buyer when the seller counters, the
side support asks a question, both sides when support decides (the rationale, and what money
moves and by when), the buyer when their request is carried out (and the sellers when their
silence carried it out), and whoever a deadline would decide against, before it does. A
refund a dispute made is told in the dispute's own email, so its `refund.created` sends only
the webhook event. Facts only (ids, codes, amounts as {"amount", "currency"}, times as ISO
text); the reader's words come when it is read."""

from __future__ import annotations

from typing import Any

from recourse.domain.disputes import OPEN_STATUSES, Dispute, Party, Proposal
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.refund import RefundCause
from recourse.domain.returns import ReturnKind
from recourse.services import events
from recourse.services.events import (
    DisputeAppealed,
    DisputeAssigned,
    DisputeDecided,
    DisputeEscalated,
    DisputeInfoAnswered,
    DisputeInfoOverdue,
    DisputeInfoRequested,
    DisputeOpened,
    DisputeProposalMade,
    DisputeReminderDue,
    DisputeResolved,
    DisputeResponded,
    DisputeWithdrawn,
    RefundRecorded,
    ReturnApproved,
)
from recourse.services.notify import moment, money_fact, notify_store_staff, notify_user
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds import notices as refund_notices
from recourse.services.returns import notices as return_notices


def _amount(order: Order, minor: int | None) -> dict[str, Any] | None:
    return money_fact(Money(minor, order.currency)) if minor is not None else None


def _proposal(order: Order, p: Proposal) -> dict[str, Any]:
    return {
        "party": str(p.by),
        "wanted": str(p.wanted),
        "amount": _amount(order, p.amount),
        "note": p.note,
        "created_at": moment(p.created_at),
    }


def event_data(order: Order, d: Dispute, **extra: object) -> dict[str, object]:
    """Every `dispute.*` payload: the case, what it is about, and its deadlines."""
    return {
        "dispute_id": d.id,
        "order_id": order.id,
        "external_id": order.external_id,
        "store_id": order.store_id,
        "type": str(d.type),
        "status": str(d.status),
        "wanted": str(d.wanted),
        "amount": _amount(order, d.amount),
        "cancellation_id": d.cancellation_id,
        "return_id": d.return_id,
        "refund_id": d.refund_id,
        "respond_by": moment(d.respond_by),
        "escalate_at": moment(d.escalate_at),
        "sla_due_at": moment(d.sla_due_at),
        "appeal_by": moment(d.appeal_by),
        **extra,
    }


def _params(order: Order, d: Dispute, **extra: Any) -> dict[str, Any]:
    return {"order_id": order.id, "dispute_id": d.id, "type": str(d.type), **extra}


def _key(d: Dispute, kind: str, *parts: object) -> str:
    return ":".join(["dispute", str(d.id), kind, *(str(p) for p in parts)])


def _to_buyer(
    uow: UnitOfWork,
    order: Order,
    d: Dispute,
    *,
    kind: str,
    params: dict[str, Any],
    now: Any,
    key: str,
    email: str | None = None,
    context: dict[str, Any] | None = None,
) -> None:
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind=kind,
        params=params,
        order_id=order.id,
        link=f"/orders/{order.id}/disputes/{d.id}",
        now=now,
        dedupe_key=key,
        email_template=email,
        email_context={**params, "audience": "buyer", **(context or {})} if email else None,
    )


def _to_sellers(
    uow: UnitOfWork,
    order: Order,
    d: Dispute,
    *,
    kind: str,
    params: dict[str, Any],
    now: Any,
    key: str,
    email: str | None = None,
    context: dict[str, Any] | None = None,
) -> None:
    if email is not None:
        notify_store_staff(
            uow,
            store_id=order.store_id,
            kind=kind,
            params=params,
            order_id=order.id,
            now=now,
            dedupe_key=key,
            email_template=email,
            email_context={**params, "audience": "seller", **(context or {})},
        )
        return
    for seller_id in uow.users.staff_ids(order.store_id):
        notify_user(
            uow,
            user_id=seller_id,
            kind=kind,
            params=params,
            order_id=order.id,
            link=f"/seller/orders/{order.id}/disputes/{d.id}",
            now=now,
            dedupe_key=f"{key}:{seller_id}",
        )


def _to_party(
    uow: UnitOfWork,
    order: Order,
    d: Dispute,
    party: Party | str,
    **kwargs: Any,
) -> None:
    if str(party) == str(Party.buyer):
        _to_buyer(uow, order, d, **kwargs)
    else:
        _to_sellers(uow, order, d, **kwargs)


def _to_agent(
    uow: UnitOfWork, order: Order, d: Dispute, *, kind: str, params: dict[str, Any], now: Any
) -> None:
    """In-app, to the support agent working on the case (the appeal's agent once appealed)."""
    agent = d.appeal_assignee_id or d.assignee_id
    if agent is None:
        return
    notify_user(
        uow,
        user_id=agent,
        kind=kind,
        params=params,
        order_id=order.id,
        link=f"/support/disputes/{d.id}",
        now=now,
        dedupe_key=_key(d, kind, params.get("request_id") or "", agent),
    )


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


def announce_opened(uow: UnitOfWork, ctx: Context, e: DisputeOpened) -> None:
    """D1/D2: the sellers, by email: what the buyer asks for, and the answer-by time."""
    order, d = e.order, e.dispute
    events.publish(
        uow,
        event_type="dispute.opened",
        data=event_data(order, d, description=d.description),
        now=e.at,
    )
    _to_sellers(
        uow,
        order,
        d,
        kind="dispute.opened",
        params=_params(
            order,
            d,
            wanted=str(d.wanted),
            amount=_amount(order, d.amount),
            respond_by=moment(d.respond_by),
        ),
        now=e.at,
        key=_key(d, "opened"),
        email="dispute_opened",
        context={"description": d.description},
    )


def _tell_proposal(uow: UnitOfWork, order: Order, d: Dispute, p: Proposal, at: Any) -> None:
    """D3/D4: the other side, by email: the proposal, which they may accept."""
    params = _params(
        order,
        d,
        by=str(p.by),
        proposal_id=p.id,
        wanted=str(p.wanted),
        amount=_amount(order, p.amount),
        escalate_at=moment(d.escalate_at),
    )
    other = Party.seller if p.by is Party.buyer else Party.buyer
    _to_party(
        uow,
        order,
        d,
        other,
        kind="dispute.proposal",
        params=params,
        now=at,
        key=_key(d, "proposal", p.id),
        email="dispute_proposal",
        context={"note": p.note},
    )


def announce_responded(uow: UnitOfWork, ctx: Context, e: DisputeResponded) -> None:
    """D3: `dispute.responded`; a counter-proposal goes to the buyer. An acceptance is told by
    the DisputeResolved that follows it (what is carried out, and the money)."""
    order, d = e.order, e.dispute
    events.publish(
        uow,
        event_type="dispute.responded",
        data=event_data(
            order,
            d,
            action="accept" if e.accepted else "counter",
            proposal=_proposal(order, e.proposal) if e.proposal else None,
        ),
        now=e.at,
    )
    if not e.accepted and e.proposal is not None:
        _tell_proposal(uow, order, d, e.proposal, e.at)


def announce_proposal(uow: UnitOfWork, ctx: Context, e: DisputeProposalMade) -> None:
    """D4: a new proposal while negotiating, to the other side."""
    _tell_proposal(uow, e.order, e.dispute, e.proposal, e.at)


def announce_escalated(uow: UnitOfWork, ctx: Context, e: DisputeEscalated) -> None:
    """D4/D5: `dispute.escalated`; in-app, both sides (but the one who asked) hear that support
    decides and by when. Nobody has to act, so no email."""
    order, d = e.order, e.dispute
    events.publish(
        uow, event_type="dispute.escalated", data=event_data(order, d, escalated_by=e.by), now=e.at
    )
    params = _params(order, d, by=e.by, sla_due_at=moment(d.sla_due_at))
    key = _key(d, "escalated", moment(d.escalated_at) or "")
    if e.by != str(Party.buyer):
        _to_buyer(uow, order, d, kind="dispute.escalated", params=params, now=e.at, key=key)
    if e.by != str(Party.seller):
        _to_sellers(uow, order, d, kind="dispute.escalated", params=params, now=e.at, key=key)


def announce_assigned(uow: UnitOfWork, ctx: Context, e: DisputeAssigned) -> None:
    """D5: the agent given the case hears of it in-app."""
    order, d = e.order, e.dispute
    notify_user(
        uow,
        user_id=e.assignee_id,
        kind="dispute.assigned",
        params=_params(order, d, sla_due_at=moment(d.sla_due_at)),
        order_id=order.id,
        link=f"/support/disputes/{d.id}",
        now=e.at,
        dedupe_key=_key(d, "assigned", e.assignee_id, str(d.status)),
    )


def announce_info_requested(uow: UnitOfWork, ctx: Context, e: DisputeInfoRequested) -> None:
    """D5: `dispute.info_requested`; the side asked, by email: the question and the due date."""
    order, d, r = e.order, e.dispute, e.request
    due_at = moment(r.due_at)
    events.publish(
        uow,
        event_type="dispute.info_requested",
        data=event_data(
            order, d, request_id=r.id, party=str(r.party), question=r.question, due_at=due_at
        ),
        now=e.at,
    )
    _to_party(
        uow,
        order,
        d,
        r.party,
        kind="dispute.info_requested",
        params=_params(order, d, request_id=r.id, question=r.question, due_at=due_at),
        now=e.at,
        key=_key(d, "info_requested", r.id),
        email="dispute_info_requested",
    )


def announce_info_answered(uow: UnitOfWork, ctx: Context, e: DisputeInfoAnswered) -> None:
    """D5: the agent on the case hears the answer in-app."""
    order, d, r = e.order, e.dispute, e.request
    params = _params(order, d, request_id=r.id, party=str(r.party), answer=r.answer)
    _to_agent(uow, order, d, kind="dispute.info_answered", params=params, now=e.at)


def announce_info_overdue(uow: UnitOfWork, ctx: Context, e: DisputeInfoOverdue) -> None:
    """D5: the agent on the case hears in-app that the question went unanswered."""
    order, d, r = e.order, e.dispute, e.request
    params = _params(order, d, request_id=r.id, party=str(r.party))
    _to_agent(uow, order, d, kind="dispute.info_overdue", params=params, now=e.at)


def announce_decided(uow: UnitOfWork, ctx: Context, e: DisputeDecided) -> None:
    """D5/D6: `dispute.decided`; both sides, by email: the outcome, the rationale, what money
    moves and when it should arrive (F5), what to send back, and until when to appeal."""
    order, d, decision = e.order, e.dispute, e.decision
    amount = _amount(order, decision.amount)
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
    params = _params(
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
    key = _key(d, "decided", "appeal" if e.appeal else "first")
    _to_buyer(
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
    _to_sellers(
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


def announce_appealed(uow: UnitOfWork, ctx: Context, e: DisputeAppealed) -> None:
    """D6: `dispute.appealed`; the other side hears in-app that a different agent decides."""
    order, d = e.order, e.dispute
    events.publish(
        uow,
        event_type="dispute.appealed",
        data=event_data(order, d, appealed_by=str(e.party), reason=e.reason),
        now=e.at,
    )
    other = Party.seller if e.party is Party.buyer else Party.buyer
    _to_party(
        uow,
        order,
        d,
        other,
        kind="dispute.appealed",
        params=_params(order, d, by=str(e.party)),
        now=e.at,
        key=_key(d, "appealed"),
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
    key = _key(d, "resolved")
    if resolution in ("decided", "appeal_decided"):
        params = _params(order, d, resolution=resolution)
        if resolution == "decided":  # the appeal decision's own notice told the rest
            _to_buyer(uow, order, d, kind="dispute.resolved", params=params, now=e.at, key=key)
            _to_sellers(uow, order, d, kind="dispute.resolved", params=params, now=e.at, key=key)
        return
    done = _carried_out(d)
    params = _params(
        order,
        d,
        resolution=resolution,
        wanted=str(done.wanted) if done else str(d.wanted),
        amount=_amount(order, done.amount if done else d.amount),
    )
    context = {**money, **_return_to_send(uow, e.return_id)}
    _to_buyer(
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
    _to_sellers(
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


def announce_withdrawn(uow: UnitOfWork, ctx: Context, e: DisputeWithdrawn) -> None:
    """D7: `dispute.withdrawn`; the sellers (and the agent on the case) hear in-app."""
    order, d = e.order, e.dispute
    events.publish(uow, event_type="dispute.withdrawn", data=event_data(order, d), now=e.at)
    params = _params(order, d)
    _to_sellers(
        uow, order, d, kind="dispute.withdrawn", params=params, now=e.at, key=_key(d, "withdrawn")
    )
    _to_agent(uow, order, d, kind="dispute.withdrawn", params=params, now=e.at)


def remind(uow: UnitOfWork, ctx: Context, e: DisputeReminderDue) -> None:
    """M2: before a dispute deadline decides against someone: the sellers before silence
    carries out the buyer's request, a side before negotiation runs out, the side asked before
    support's question is due."""
    order, d = e.order, e.dispute
    due_at = moment(e.due_at)
    _to_party(
        uow,
        order,
        d,
        e.party,
        kind="dispute.reminder",
        params=_params(order, d, deadline=e.deadline, due_at=due_at),
        now=e.at,
        key=_key(d, "reminder", e.deadline, e.party, due_at),
        email="dispute_reminder",
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
