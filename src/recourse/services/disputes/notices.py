"""D1-D7/M2/M3: what a dispute tells on its way — `dispute.*` webhook events, in-app
notifications and emails, written in the transaction of the change. Each `announce_*` handles a
fact of services/events/; services/subscribers.py maps the facts to them. How it ends (a
decision, a settlement) is told by outcome_notices.py, with the helpers below.

One email per thing that happened, to each person who must act or whose money moves: the
sellers when a dispute is opened or the buyer proposes, the buyer when the seller counters, the
side support asks a question, and whoever a deadline would decide against, before it does. Facts
only (ids, codes, amounts as {"amount", "currency"}, times as ISO text); the reader's words come
when it is read."""

from __future__ import annotations

from typing import Any

from recourse.domain.disputes import Dispute, Party, Proposal
from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.services import events
from recourse.services.events import (
    DisputeAppealed,
    DisputeAssigned,
    DisputeEscalated,
    DisputeInfoAnswered,
    DisputeInfoOverdue,
    DisputeInfoRequested,
    DisputeOpened,
    DisputeOpenedOnProblem,
    DisputeProposalMade,
    DisputeReminderDue,
    DisputeResponded,
    DisputeWithdrawn,
)
from recourse.services.notify import moment, money_fact, notify_store_staff, notify_user
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def amount_fact(order: Order, minor: int | None) -> dict[str, Any] | None:
    return money_fact(Money(minor, order.currency)) if minor is not None else None


def _proposal(order: Order, p: Proposal) -> dict[str, Any]:
    return {
        "party": str(p.by),
        "wanted": str(p.wanted),
        "amount": amount_fact(order, p.amount),
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
        "amount": amount_fact(order, d.amount),
        "cancellation_id": d.cancellation_id,
        "return_id": d.return_id,
        "refund_id": d.refund_id,
        "respond_by": moment(d.respond_by),
        "escalate_at": moment(d.escalate_at),
        "sla_due_at": moment(d.sla_due_at),
        "appeal_by": moment(d.appeal_by),
        **extra,
    }


def params_of(order: Order, d: Dispute, **extra: Any) -> dict[str, Any]:
    return {"order_id": order.id, "dispute_id": d.id, "type": str(d.type), **extra}


def key_of(d: Dispute, kind: str, *parts: object) -> str:
    return ":".join(["dispute", str(d.id), kind, *(str(p) for p in parts)])


def to_buyer(
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


def to_sellers(
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
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind=kind,
        params=params,
        order_id=order.id,
        # emailed: the order page (the dispute shows there); in-app only: the dispute page
        link=None if email else f"/seller/orders/{order.id}/disputes/{d.id}",
        now=now,
        dedupe_key=key,
        email_template=email,
        email_context={**params, "audience": "seller", **(context or {})} if email else None,
    )


def to_party(
    uow: UnitOfWork,
    order: Order,
    d: Dispute,
    party: Party | str,
    **kwargs: Any,
) -> None:
    if str(party) == str(Party.buyer):
        to_buyer(uow, order, d, **kwargs)
    else:
        to_sellers(uow, order, d, **kwargs)


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
        dedupe_key=key_of(d, kind, params.get("request_id") or "", agent),
    )


def announce_opened(uow: UnitOfWork, ctx: Context, e: DisputeOpened) -> None:
    """D1/D2: the sellers, by email: what the buyer asks for, and the answer-by time."""
    order, d = e.order, e.dispute
    events.publish(
        uow,
        event_type="dispute.opened",
        data=event_data(order, d, description=d.description),
        now=e.at,
    )
    to_sellers(
        uow,
        order,
        d,
        kind="dispute.opened",
        params=params_of(
            order,
            d,
            wanted=str(d.wanted),
            amount=amount_fact(order, d.amount),
            respond_by=moment(d.respond_by),
        ),
        now=e.at,
        key=key_of(d, "opened"),
        email="dispute_opened",
        context={"description": d.description},
    )


def announce_opened_on_problem(uow: UnitOfWork, ctx: Context, e: DisputeOpenedOnProblem) -> None:
    """R4: `dispute.opened` for a problem on receipt. Nobody is told more: the sellers
    reported the problem themselves, the buyer's email is the return's, and the escalation
    that follows tells both sides that support decides."""
    events.publish(
        uow,
        event_type="dispute.opened",
        data=event_data(e.order, e.dispute, description=e.dispute.description),
        now=e.at,
    )


def _tell_proposal(uow: UnitOfWork, order: Order, d: Dispute, p: Proposal, at: Any) -> None:
    """D3/D4: the other side, by email: the proposal, which they may accept."""
    params = params_of(
        order,
        d,
        by=str(p.by),
        proposal_id=p.id,
        wanted=str(p.wanted),
        amount=amount_fact(order, p.amount),
        escalate_at=moment(d.escalate_at),
    )
    other = Party.seller if p.by is Party.buyer else Party.buyer
    to_party(
        uow,
        order,
        d,
        other,
        kind="dispute.proposal",
        params=params,
        now=at,
        key=key_of(d, "proposal", p.id),
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
    params = params_of(order, d, by=e.by, sla_due_at=moment(d.sla_due_at))
    key = key_of(d, "escalated", moment(d.escalated_at) or "")
    if e.by != str(Party.buyer):
        to_buyer(uow, order, d, kind="dispute.escalated", params=params, now=e.at, key=key)
    if e.by != str(Party.seller):
        to_sellers(uow, order, d, kind="dispute.escalated", params=params, now=e.at, key=key)


def announce_assigned(uow: UnitOfWork, ctx: Context, e: DisputeAssigned) -> None:
    """D5: the agent given the case hears of it in-app."""
    order, d = e.order, e.dispute
    notify_user(
        uow,
        user_id=e.assignee_id,
        kind="dispute.assigned",
        params=params_of(order, d, sla_due_at=moment(d.sla_due_at)),
        order_id=order.id,
        link=f"/support/disputes/{d.id}",
        now=e.at,
        dedupe_key=key_of(d, "assigned", e.assignee_id, str(d.status)),
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
    to_party(
        uow,
        order,
        d,
        r.party,
        kind="dispute.info_requested",
        params=params_of(order, d, request_id=r.id, question=r.question, due_at=due_at),
        now=e.at,
        key=key_of(d, "info_requested", r.id),
        email="dispute_info_requested",
    )


def announce_info_answered(uow: UnitOfWork, ctx: Context, e: DisputeInfoAnswered) -> None:
    """D5: the agent on the case hears the answer in-app."""
    order, d, r = e.order, e.dispute, e.request
    params = params_of(order, d, request_id=r.id, party=str(r.party), answer=r.answer)
    _to_agent(uow, order, d, kind="dispute.info_answered", params=params, now=e.at)


def announce_info_overdue(uow: UnitOfWork, ctx: Context, e: DisputeInfoOverdue) -> None:
    """D5: the agent on the case hears in-app that the question went unanswered."""
    order, d, r = e.order, e.dispute, e.request
    params = params_of(order, d, request_id=r.id, party=str(r.party))
    _to_agent(uow, order, d, kind="dispute.info_overdue", params=params, now=e.at)


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
    to_party(
        uow,
        order,
        d,
        other,
        kind="dispute.appealed",
        params=params_of(order, d, by=str(e.party)),
        now=e.at,
        key=key_of(d, "appealed"),
    )


def announce_withdrawn(uow: UnitOfWork, ctx: Context, e: DisputeWithdrawn) -> None:
    """D7: `dispute.withdrawn`; the sellers (and the agent on the case) hear in-app."""
    order, d = e.order, e.dispute
    events.publish(uow, event_type="dispute.withdrawn", data=event_data(order, d), now=e.at)
    params = params_of(order, d)
    to_sellers(
        uow, order, d, kind="dispute.withdrawn", params=params, now=e.at, key=key_of(d, "withdrawn")
    )
    _to_agent(uow, order, d, kind="dispute.withdrawn", params=params, now=e.at)


def remind(uow: UnitOfWork, ctx: Context, e: DisputeReminderDue) -> None:
    """M2: before a dispute deadline decides against someone: the sellers before silence
    carries out the buyer's request, a side before negotiation runs out, the side asked before
    support's question is due."""
    order, d = e.order, e.dispute
    due_at = moment(e.due_at)
    to_party(
        uow,
        order,
        d,
        e.party,
        kind="dispute.reminder",
        params=params_of(order, d, deadline=e.deadline, due_at=due_at),
        now=e.at,
        key=key_of(d, "reminder", e.deadline, e.party, due_at),
        email="dispute_reminder",
    )
