"""The facts of disputes (D1-D7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recourse.domain.disputes import Decision, Dispute, InfoRequest, Party, Proposal
from recourse.domain.order import Order

# What a dispute did (D1-D7). `dispute` is the dispute as it is after the step.


@dataclass(frozen=True)
class DisputeOpened:
    """D1/D2: the buyer opened a dispute; the sellers answer by `dispute.respond_by`."""

    order: Order
    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class DisputeOpenedOnProblem:
    """R4: the sellers reported a problem with a return that came back: a `return_refused`
    dispute opened for the buyer, straight with support (a DisputeEscalated follows)."""

    order: Order
    dispute: Dispute
    return_id: int
    at: datetime


@dataclass(frozen=True)
class DisputeResponded:
    """D3: the sellers accepted the buyer's request (carried out: a DisputeResolved follows)
    or countered with `proposal`."""

    order: Order
    dispute: Dispute
    accepted: bool
    proposal: Proposal | None
    at: datetime


@dataclass(frozen=True)
class DisputeProposalMade:
    """D4: a side made a new proposal while negotiating."""

    order: Order
    dispute: Dispute
    proposal: Proposal
    at: datetime


@dataclass(frozen=True)
class DisputeEscalated:
    """D4/D5: a side asked for support, or negotiation ran out (`by` is "system"); support
    decides by `dispute.sla_due_at`."""

    order: Order
    dispute: Dispute
    by: str
    at: datetime


@dataclass(frozen=True)
class DisputeAssigned:
    """D5/D6: a support agent took the case (or was given it)."""

    order: Order
    dispute: Dispute
    assignee_id: int
    at: datetime


@dataclass(frozen=True)
class DisputeInfoRequested:
    """D5: support asked one side for more, by `request.due_at`."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeInfoAnswered:
    """D5: the side asked answered support's question."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeInfoOverdue:
    """D5: the side asked did not answer by the due date (support decides without it)."""

    order: Order
    dispute: Dispute
    request: InfoRequest
    at: datetime


@dataclass(frozen=True)
class DisputeDecided:
    """D5/D6: support decided (`appeal` for the appeal's decision), with the rationale both
    sides see; carried out at once: `refund_id` the refund it recorded, `return_id` the
    approved return a refund after return goes through (None when it made none)."""

    order: Order
    dispute: Dispute
    decision: Decision
    appeal: bool
    refund_id: int | None
    return_id: int | None
    at: datetime


@dataclass(frozen=True)
class DisputeAppealed:
    """D6: a side appealed the decision; a different agent decides."""

    order: Order
    dispute: Dispute
    party: Party
    reason: str
    at: datetime


@dataclass(frozen=True)
class DisputeResolved:
    """The dispute ended: accepted, silence (carried out), agreed, decided for good, or the
    appeal decided. `refund_id`/`return_id`: what carrying out the request made, if anything
    (a decision's own execution is in its DisputeDecided)."""

    order: Order
    dispute: Dispute
    refund_id: int | None
    return_id: int | None
    at: datetime


@dataclass(frozen=True)
class DisputeWithdrawn:
    """D7: the buyer withdrew the dispute before a decision."""

    order: Order
    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class DisputeReminderDue:
    """M2: the time came to remind `party` before a dispute deadline decides against them
    (`deadline` is its name: the sellers' answer, the end of negotiation, an information
    request's due date)."""

    order: Order
    dispute: Dispute
    deadline: str
    due_at: datetime
    party: Party
    at: datetime
