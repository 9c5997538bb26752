"""§5 disputes (D1-D7): when buyer and seller cannot agree, the platform decides.

A dispute is opened by the buyer with what they want (D2), answered by the seller (D3),
negotiated (D4), escalated to support who decide (D5), appealed once per side to a different
agent (D6), or withdrawn (D7). Every deadline is stored on the dispute (`respond_by`,
`escalate_at`, `sla_due_at`, `appeal_by`) and `due_at` is the one the current step waits for,
so the support queue sorts on it and a read can tell what a passed deadline decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from recourse.domain.errors import IllegalTransition


class DisputeType(StrEnum):
    """D1: what went wrong; each has its own opening window."""

    not_received = "not_received"
    not_as_described = "not_as_described"
    cancellation_refused = "cancellation_refused"
    return_refused = "return_refused"
    refund_not_received = "refund_not_received"


class Wanted(StrEnum):
    """D2/D3: what a side proposes."""

    full_refund = "full_refund"
    partial_refund = "partial_refund"
    return_and_refund = "return_and_refund"


class Outcome(StrEnum):
    """D5: what support decides."""

    full_refund = "full_refund"
    partial_refund = "partial_refund"
    refund_after_return = "refund_after_return"
    no_refund = "no_refund"


class DisputeStatus(StrEnum):
    awaiting_seller = "awaiting_seller"  # D3: the seller answers by `respond_by`
    negotiating = "negotiating"  # D4: proposals go back and forth until `escalate_at`
    escalated = "escalated"  # D5: support decides by `sla_due_at`
    decided = "decided"  # D5: decided and carried out; either side may appeal by `appeal_by`
    appealed = "appealed"  # D6: a different agent decides by `sla_due_at`
    resolved = "resolved"  # final: agreed, carried out, or decided for good
    withdrawn = "withdrawn"  # D7: the buyer gave up before a decision


OPEN_STATUSES = frozenset(
    {
        DisputeStatus.awaiting_seller,
        DisputeStatus.negotiating,
        DisputeStatus.escalated,
        DisputeStatus.appealed,
    }
)
"""The statuses that hold the order's one open dispute (D2). A decided dispute is no longer
open: its appeal window runs, but another case may be opened."""

DISPUTE_TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    DisputeStatus.awaiting_seller: frozenset(
        {
            DisputeStatus.resolved,  # accepted, or silence carries out the buyer's request
            DisputeStatus.negotiating,  # the seller counters
            DisputeStatus.escalated,
            DisputeStatus.withdrawn,
        }
    ),
    DisputeStatus.negotiating: frozenset(
        {DisputeStatus.resolved, DisputeStatus.escalated, DisputeStatus.withdrawn}
    ),
    DisputeStatus.escalated: frozenset({DisputeStatus.decided, DisputeStatus.withdrawn}),
    DisputeStatus.decided: frozenset({DisputeStatus.appealed, DisputeStatus.resolved}),
    DisputeStatus.appealed: frozenset({DisputeStatus.resolved}),
    DisputeStatus.resolved: frozenset(),
    DisputeStatus.withdrawn: frozenset(),
}


def dispute_transition(current: DisputeStatus, target: DisputeStatus) -> DisputeStatus:
    if target not in DISPUTE_TRANSITIONS[current]:
        raise IllegalTransition("dispute", str(current), str(target))
    return target


class Resolution(StrEnum):
    """How a dispute ended."""

    seller_accepted = "seller_accepted"  # D3
    seller_silent = "seller_silent"  # D3: no answer by respond_by
    agreed = "agreed"  # D4: a side accepted the other's latest proposal
    decided = "decided"  # D5: the appeal window passed, or nobody may appeal any more
    appeal_decided = "appeal_decided"  # D6


class Party(StrEnum):
    buyer = "buyer"
    seller = "seller"


@dataclass(frozen=True, slots=True)
class Proposal:
    """D2-D4: what one side asks for or offers; the latest of each side can be accepted."""

    id: int
    by: Party
    wanted: Wanted
    amount: int | None
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InfoRequest:
    """D5: support asks one side for more, with a due date."""

    id: int
    party: Party
    question: str
    due_at: datetime
    asked_by_id: int
    created_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """D5/D6: an agent's decision with the rationale both sides see."""

    outcome: Outcome
    amount: int | None
    rationale: str
    decided_by_id: int
    decided_at: datetime
    charged_to_store: bool = False


@dataclass(frozen=True, slots=True)
class Dispute:
    id: int
    order_id: int
    store_id: int
    type: DisputeType
    status: DisputeStatus
    wanted: Wanted
    amount: int | None
    description: str
    opened_by_id: int
    opened_at: datetime
    # what the dispute is about, when it is about one thing
    cancellation_id: int | None = None
    return_id: int | None = None
    refund_id: int | None = None
    # D3/D4
    respond_by: datetime | None = None
    escalate_at: datetime | None = None
    proposals: tuple[Proposal, ...] = ()
    # D5
    escalated_at: datetime | None = None
    escalated_by: str | None = None  # "buyer", "seller" or "system"
    sla_due_at: datetime | None = None
    assignee_id: int | None = None
    info_requests: tuple[InfoRequest, ...] = ()
    decision: Decision | None = None
    # D6
    appeal_by: datetime | None = None
    appealed_by: Party | None = None
    appealed_at: datetime | None = None
    appeal_assignee_id: int | None = None
    appeal_decision: Decision | None = None
    # the end
    resolution: Resolution | None = None
    resolved_at: datetime | None = None
    withdrawn_at: datetime | None = None
    # the deadline the current step waits for (None when nothing waits on a clock)
    due_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def opened_on_problem(self) -> bool:
        """Opened by the system when the seller reported a problem with a returned item (R4):
        sent to support the moment it opened, and its description is the seller's report."""
        return self.escalated_by == "system" and self.escalated_at == self.opened_at

    def latest(self, party: Party) -> Proposal | None:
        mine = [p for p in self.proposals if p.by is party]
        return mine[-1] if mine else None


def forced_key(dispute_id: int) -> str:
    """The request key of the cancellation support forced on a dispute (C10; one per
    dispute): the dispute's page and answer list that cancellation's refund among its own."""
    return f"dispute:{dispute_id}:force"


# Deadline names (the outbox names them the same way; services/deadlines.py maps each).
RESPOND_BY = "dispute.respond_by"
RESPOND_REMINDER = "dispute.respond_reminder"
ESCALATE_AT = "dispute.escalate_at"
ESCALATE_REMINDER = "dispute.escalate_reminder"
APPEAL_BY = "dispute.appeal_by"
APPEAL_REMINDER = "dispute.appeal_reminder"
INFO_DUE = "dispute.info_due"
INFO_REMINDER = "dispute.info_reminder"

# The statuses in which support takes part in the order's conversation (M1, D5).
SUPPORT_STATUSES = frozenset(
    {DisputeStatus.escalated, DisputeStatus.appealed, DisputeStatus.decided}
)

# The statuses that keep the order from being `closed` (§2): the open ones, and a decided one
# whose appeal window still runs.
UNSETTLED_STATUSES = OPEN_STATUSES | {DisputeStatus.decided}


def due_at_of(d: Dispute) -> datetime | None:
    """The deadline the dispute's current step waits for: the seller's answer, the end of
    negotiation, support's SLA, the end of the appeal window (None when no clock runs)."""
    match d.status:
        case DisputeStatus.awaiting_seller:
            return d.respond_by
        case DisputeStatus.negotiating:
            return d.escalate_at
        case DisputeStatus.escalated | DisputeStatus.appealed:
            return d.sla_due_at
        case DisputeStatus.decided:
            return d.appeal_by
        case _:
            return None


@dataclass(frozen=True, slots=True)
class DisputeDue:
    """A dispute's passed deadline whose consequence is still to apply."""

    name: str
    dispute_id: int
    at: datetime


def dispute_due_now(d: Dispute, now: datetime) -> DisputeDue | None:
    """§10/D3/D4/D6: what a passed deadline decides for this dispute, if anything is still to
    apply: the seller's silence carries out the buyer's request, negotiation running out
    escalates, an appeal window passing unused resolves the decision for good. Support's SLA
    decides nothing (it orders the queue)."""
    match d.status:
        case DisputeStatus.awaiting_seller if d.respond_by is not None and now >= d.respond_by:
            return DisputeDue(RESPOND_BY, d.id, d.respond_by)
        case DisputeStatus.negotiating if d.escalate_at is not None and now >= d.escalate_at:
            return DisputeDue(ESCALATE_AT, d.id, d.escalate_at)
        case DisputeStatus.decided if d.appeal_by is not None and now >= d.appeal_by:
            return DisputeDue(APPEAL_BY, d.id, d.appeal_by)
        case _:
            return None
