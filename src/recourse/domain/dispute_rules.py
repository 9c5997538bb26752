"""§5 the rules an open dispute is asked (D2-D7): who may do what at which step, what a
description, a proposal and a decision must say, the deadlines' arithmetic, what a late action
is told, and how much money carrying out a request or a decision moves.

The dispute's types, its transition table and what a passed deadline decides live in
`domain/disputes.py`; the rules it is opened by (D1/D2: windows, one open per order) in
`domain/dispute_opening.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from recourse.domain.disputes import (
    Dispute,
    DisputeStatus,
    InfoRequest,
    Outcome,
    Party,
    Proposal,
    Resolution,
    Wanted,
)
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.order import Order
from recourse.domain.policy import PlatformPolicy
from recourse.domain.roles import Actor, Role

DESCRIPTION_MAX = 4000
NOTE_MAX = 4000


def check_text(field: str, value: str | None, *, needed: str, maximum: int) -> str:
    """A description, note, question, answer, rationale or reason: said, and not too long."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, needed)
    if len(text) > maximum:
        raise InvalidInput(field, "dispute.text_too_long", max=maximum)
    return text


def check_note(value: str | None) -> str | None:
    """D3/D4: a proposal's note is optional."""
    text = (value or "").strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput("note", "dispute.text_too_long", max=NOTE_MAX)
    return text or None


def check_wanted(
    wanted: Wanted,
    amount: int | None,
    *,
    party: Party,
    refundable: int,
    currency: str,
    returnable_units: int,
) -> int | None:
    """D2-D4: a full refund or a return and refund name no amount; a partial refund names one
    above zero and within what is refundable (F2). The seller counters with a partial refund or
    a return and refund (D3). A return needs units that can go back."""
    if party is Party.seller and wanted is Wanted.full_refund:
        raise InvalidInput("wanted", "dispute.counter_choice")
    if wanted is Wanted.partial_refund:
        return check_amount(amount, refundable=refundable, currency=currency)
    if amount is not None:
        raise InvalidInput("amount", "dispute.amount_not_wanted", wanted=str(wanted))
    if wanted is Wanted.return_and_refund and returnable_units <= 0:
        raise RuleConflict("dispute_nothing_to_return")
    return None


def check_amount(amount: int | None, *, refundable: int, currency: str) -> int:
    """A partial amount: whole minor units above zero, at most what is still refundable."""
    if amount is None:
        raise InvalidInput("amount", "dispute.amount_needed")
    if isinstance(amount, bool) or amount <= 0:
        raise InvalidInput("amount", "dispute.amount_not_positive")
    if amount > refundable:
        raise RuleConflict(
            "dispute_amount_exceeds_refundable",
            requested=amount,
            refundable=refundable,
            currency=currency,
        )
    return amount


def check_decision(
    outcome: Outcome,
    amount: int | None,
    *,
    charged_to_store: bool,
    refundable: int,
    currency: str,
    returnable_units: int,
) -> int | None:
    """D5: a partial refund names its amount (within what is refundable); the other outcomes
    none; a refund after return needs units to send back; only a decision that refunds may be
    charged to the store."""
    if outcome is Outcome.partial_refund:
        return check_amount(amount, refundable=refundable, currency=currency)
    if amount is not None:
        raise InvalidInput("amount", "dispute.amount_not_wanted", wanted=str(outcome))
    if outcome is Outcome.refund_after_return and returnable_units <= 0:
        raise RuleConflict("dispute_nothing_to_return")
    if outcome is Outcome.no_refund and charged_to_store:
        raise InvalidInput("charged_to_store", "dispute.charge_without_refund")
    return None


# Who may do what (§1): another party's dispute is not found (the order's load says so).


def party_of(actor: Actor, order: Order) -> Party | None:
    if actor.role is Role.buyer and actor.user_id == order.buyer_id:
        return Party.buyer
    if actor.role is Role.seller and order.store_id in actor.store_ids:
        return Party.seller
    return None


def check_party(actor: Actor, order: Order) -> Party:
    """D3-D6: the order's buyer or the store's sellers."""
    party = party_of(actor, order)
    if party is None:
        raise NotAllowed("dispute_not_party")
    return party


def check_buyer(actor: Actor, order: Order) -> None:
    """D1/D2/D7: the order's buyer opens and withdraws."""
    if party_of(actor, order) is not Party.buyer:
        raise NotAllowed("dispute_not_buyer")


def check_seller(actor: Actor, order: Order) -> None:
    """D3: the store's sellers answer."""
    if party_of(actor, order) is not Party.seller:
        raise NotAllowed("dispute_not_seller")


def check_support(actor: Actor) -> None:
    """D5/D6: support agents assign, ask for information and decide."""
    if actor.role is not Role.support or actor.user_id is None:
        raise NotAllowed("dispute_not_support")


def check_step(d: Dispute, expected: frozenset[DisputeStatus]) -> None:
    """The dispute is at a step where this action applies; a passed deadline that moved it on
    is named with its date (409), so a late action learns why."""
    if d.status in expected:
        return
    if (
        DisputeStatus.awaiting_seller in expected
        and d.resolution is Resolution.seller_silent
        and d.respond_by is not None
    ):
        raise RuleConflict("dispute_respond_by_passed", respond_by=d.respond_by.isoformat())
    if (
        DisputeStatus.negotiating in expected
        and d.escalated_by == "system"
        and d.escalate_at is not None
        and d.status is not DisputeStatus.withdrawn
    ):
        raise RuleConflict("dispute_escalate_at_passed", escalate_at=d.escalate_at.isoformat())
    if (
        DisputeStatus.decided in expected
        and d.resolution is Resolution.decided
        and d.appeal_by is not None
    ):
        raise RuleConflict("dispute_appeal_by_passed", appeal_by=d.appeal_by.isoformat())
    raise RuleConflict("dispute_not_at_step", status=str(d.status))


ANSWERABLE = frozenset({DisputeStatus.awaiting_seller})
NEGOTIABLE = frozenset({DisputeStatus.awaiting_seller, DisputeStatus.negotiating})
PROPOSABLE = frozenset({DisputeStatus.negotiating})
WITH_SUPPORT = frozenset({DisputeStatus.escalated, DisputeStatus.appealed})
WITHDRAWABLE = frozenset(
    {DisputeStatus.awaiting_seller, DisputeStatus.negotiating, DisputeStatus.escalated}
)
APPEALABLE = frozenset({DisputeStatus.decided})


def other(party: Party) -> Party:
    return Party.seller if party is Party.buyer else Party.buyer


def proposal_to_accept(d: Dispute, party: Party) -> Proposal:
    """D4: a side accepts the OTHER side's latest proposal (there must be one)."""
    proposal = d.latest(other(party))
    if proposal is None:
        raise RuleConflict("dispute_no_proposal", party=str(other(party)))
    return proposal


def check_appeal(d: Dispute, now: datetime) -> None:
    """D6: once, while decided and before `appeal_by`."""
    check_step(d, APPEALABLE)
    if d.appeal_by is not None and now >= d.appeal_by:
        raise RuleConflict("dispute_appeal_by_passed", appeal_by=d.appeal_by.isoformat())


def check_agent(d: Dispute, agent_id: int) -> None:
    """D6: the appeal is decided by a different agent than the one who decided."""
    if (
        d.status is DisputeStatus.appealed
        and d.decision is not None
        and d.decision.decided_by_id == agent_id
    ):
        raise RuleConflict("dispute_appeal_same_agent", decided_by_id=agent_id)


def check_info_request(party: str, due_at: datetime, now: datetime) -> Party:
    """D5: information is asked of the buyer or the seller, due in the future."""
    try:
        side = Party(party)
    except ValueError:
        raise InvalidInput("party", "dispute.party_choice") from None
    if due_at <= now:
        raise InvalidInput("due_at", "dispute.info_due_past")
    return side


def info_request(d: Dispute, request_id: int) -> InfoRequest:
    for r in d.info_requests:
        if r.id == request_id:
            return r
    raise NotFound("dispute.info_request_not_found", request_id=request_id)


def check_info_answer(r: InfoRequest, party: Party, now: datetime) -> None:
    """D5: the side asked answers once, by the due date."""
    if r.party is not party:
        raise NotAllowed("dispute_info_not_yours")
    if r.answered_at is not None:
        raise RuleConflict("dispute_info_answered", request_id=r.id)
    if now >= r.due_at:
        raise RuleConflict("dispute_info_due_passed", due_at=r.due_at.isoformat())


# The deadlines (D3-D6), from the platform's policy.


def respond_by_from(opened_at: datetime, platform: PlatformPolicy) -> datetime:
    return opened_at + timedelta(days=platform.dispute_response_days)


def escalate_at_from(opened_at: datetime, platform: PlatformPolicy) -> datetime:
    return opened_at + timedelta(days=platform.negotiation_days)


def sla_due_from(escalated_at: datetime, platform: PlatformPolicy) -> datetime:
    return escalated_at + timedelta(hours=platform.support_sla_hours)


def appeal_by_from(decided_at: datetime, platform: PlatformPolicy) -> datetime:
    return decided_at + timedelta(days=platform.appeal_days)


# What carrying out moves (F2: never more than is refundable; an appeal never takes back).


def refund_for(wanted: Wanted | Outcome, amount: int | None, refundable: int) -> int:
    """The money a request or a decision refunds at once: everything still refundable for a
    full refund, the amount for a partial one (capped), nothing for a return (its refund
    follows the return) or for no refund."""
    match wanted:
        case Wanted.full_refund | Outcome.full_refund:
            return max(refundable, 0)
        case Wanted.partial_refund | Outcome.partial_refund:
            return max(0, min(amount or 0, refundable))
        case _:
            return 0


def appeal_refund(outcome: Outcome, amount: int | None, refundable: int, refunded: int) -> int:
    """D6: the appeal decision executes the difference only: what it grants beyond what the
    dispute already refunded, within what is refundable; money already refunded stays."""
    match outcome:
        case Outcome.full_refund:
            return max(refundable, 0)
        case Outcome.partial_refund:
            return max(0, min((amount or 0) - refunded, refundable))
        case _:
            return 0


def wants_return(wanted: Wanted | Outcome) -> bool:
    return wanted in (Wanted.return_and_refund, Outcome.refund_after_return)


def latest_proposals(proposals: Sequence[Proposal]) -> dict[Party, Proposal]:
    """Each side's latest proposal."""
    return {p.by: p for p in proposals}
