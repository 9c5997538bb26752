"""Disputes (§5, D1-D7): a dispute as the API answers it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from recourse.db.queries.case_facts import NoScanFlag
from recourse.db.queries.evidence import FileView
from recourse.domain.disputes import Decision, InfoRequest, Proposal
from recourse.domain.disputes import Dispute as Case
from recourse.web.api.responses.common import Moment, Money, ResponseBody, money

DisputeType = Literal[
    "not_received",
    "not_as_described",
    "cancellation_refused",
    "return_refused",
    "refund_not_received",
]
DisputeStatus = Literal[
    "awaiting_seller", "negotiating", "escalated", "decided", "appealed", "resolved", "withdrawn"
]
Wanted = Literal["full_refund", "partial_refund", "return_and_refund"]
Outcome = Literal["full_refund", "partial_refund", "refund_after_return", "no_refund"]
Party = Literal["buyer", "seller"]
Resolution = Literal["seller_accepted", "seller_silent", "agreed", "decided", "appeal_decided"]


class DisputeFile(ResponseBody):
    id: int
    name: str = Field(description="the sender's file name, cleaned, for display only")
    media_type: str
    url: str = Field(description="where the order's parties and support fetch it")

    @classmethod
    def of(cls, f: FileView) -> DisputeFile:
        return cls(id=f.id, name=f.name, media_type=f.media_type, url=f.url)


class DisputeProposal(ResponseBody):
    """D2-D4: what one side asks for or offers; the other side may accept the latest one."""

    id: int
    party: Party
    wanted: Wanted
    amount: Money | None = Field(description="the partial refund's amount; null otherwise")
    note: str | None
    created_at: Moment

    @classmethod
    def of(cls, p: Proposal, currency: str) -> DisputeProposal:
        return cls(
            id=p.id,
            party=str(p.by),
            wanted=str(p.wanted),
            amount=money(p.amount, currency) if p.amount is not None else None,
            note=p.note,
            created_at=p.created_at,
        )


class DisputeInfoRequest(ResponseBody):
    """D5: support's question to one side, answered by `due_at`."""

    id: int
    party: Party
    question: str
    due_at: Moment
    created_at: Moment
    answer: str | None
    answered_at: Moment | None

    @classmethod
    def of(cls, r: InfoRequest) -> DisputeInfoRequest:
        return cls(
            id=r.id,
            party=str(r.party),
            question=r.question,
            due_at=r.due_at,
            created_at=r.created_at,
            answer=r.answer,
            answered_at=r.answered_at,
        )


class DisputeDecision(ResponseBody):
    """D5/D6: support's decision, with the rationale both sides see."""

    outcome: Outcome
    amount: Money | None = Field(description="the partial refund's amount; null otherwise")
    rationale: str
    decided_at: Moment
    charged_to_store: bool

    @classmethod
    def of(cls, d: Decision | None, currency: str) -> DisputeDecision | None:
        if d is None:
            return None
        return cls(
            outcome=str(d.outcome),
            amount=money(d.amount, currency) if d.amount is not None else None,
            rationale=d.rationale,
            decided_at=d.decided_at,
            charged_to_store=d.charged_to_store,
        )


class DisputeFlag(ResponseBody):
    """C10: what support should know about the case, derived on read. `no_carrier_scan`: a
    parcel the carrier has not scanned `no_scan_flag_hours` after it was said to ship."""

    kind: Literal["no_carrier_scan"]
    shipment_id: int
    carrier: str
    tracking_number: str
    since: Moment = Field(description="when the parcel was said to ship; no scan since")
    flagged_at: Moment = Field(description="when the flag rose (`no_scan_flag_hours` after)")

    @classmethod
    def of(cls, f: NoScanFlag) -> DisputeFlag:
        return cls(
            kind="no_carrier_scan",
            shipment_id=f.shipment_id,
            carrier=f.carrier,
            tracking_number=f.tracking_number,
            since=f.since,
            flagged_at=f.flagged_at,
        )


class DisputeDeadlines(ResponseBody):
    """Every deadline the dispute runs on (null until its step starts)."""

    respond_by: Moment | None = Field(
        description="D3: the seller answers by; silence carries out the buyer's request"
    )
    escalate_at: Moment | None = Field(description="D4: escalated to support if not agreed by")
    sla_due_at: Moment | None = Field(description="D5/D6: support decides by")
    appeal_by: Moment | None = Field(description="D6: either side may appeal until")


class Dispute(ResponseBody):
    """A dispute (D1-D7): what the buyer asked for, the proposals, support's requests and
    decisions, and the deadlines."""

    id: int
    order_id: int
    type: DisputeType
    status: DisputeStatus
    wanted: Wanted = Field(description="D2: what the buyer asked for when opening")
    amount: Money | None = Field(description="the partial refund the buyer asked for")
    description: str
    cancellation_id: int | None = Field(description="the rejected cancellation it is about")
    return_id: int | None = Field(description="the refused return it is about")
    refund_id: int | None = Field(description="the refund that never arrived it is about")
    proposals: list[DisputeProposal] = Field(description="oldest first; the buyer's opens it")
    info_requests: list[DisputeInfoRequest]
    decision: DisputeDecision | None
    appeal_decision: DisputeDecision | None
    deadlines: DisputeDeadlines
    due_at: Moment | None = Field(description="the deadline the current step waits for")
    escalated_at: Moment | None
    escalated_by: Literal["buyer", "seller", "system"] | None
    assignee_id: int | None = Field(description="the support agent working on it")
    appealed_by: Party | None
    appealed_at: Moment | None
    files: list[DisputeFile] = Field(description="evidence either side attached")
    refund_ids: list[int] = Field(description="the refunds the dispute made, oldest first")
    flags: list[DisputeFlag] = Field(
        default_factory=list,
        description="C10: what support should know, derived on read (no carrier scan)",
    )
    resolution: Resolution | None
    resolved_at: Moment | None
    withdrawn_at: Moment | None
    created_at: Moment

    @classmethod
    def of(
        cls,
        d: Case,
        *,
        currency: str,
        files: Sequence[FileView] = (),
        refund_ids: Sequence[int] = (),
        flags: Sequence[NoScanFlag] = (),
    ) -> Dispute:
        return cls(
            id=d.id,
            order_id=d.order_id,
            type=str(d.type),
            status=str(d.status),
            wanted=str(d.wanted),
            amount=money(d.amount, currency) if d.amount is not None else None,
            description=d.description,
            cancellation_id=d.cancellation_id,
            return_id=d.return_id,
            refund_id=d.refund_id,
            proposals=[DisputeProposal.of(p, currency) for p in d.proposals],
            info_requests=[DisputeInfoRequest.of(r) for r in d.info_requests],
            decision=DisputeDecision.of(d.decision, currency),
            appeal_decision=DisputeDecision.of(d.appeal_decision, currency),
            deadlines=DisputeDeadlines(
                respond_by=d.respond_by,
                escalate_at=d.escalate_at,
                sla_due_at=d.sla_due_at,
                appeal_by=d.appeal_by,
            ),
            due_at=d.due_at,
            escalated_at=d.escalated_at,
            escalated_by=d.escalated_by,
            assignee_id=d.appeal_assignee_id or d.assignee_id,
            appealed_by=str(d.appealed_by) if d.appealed_by else None,
            appealed_at=d.appealed_at,
            files=[DisputeFile.of(f) for f in files],
            refund_ids=list(refund_ids),
            flags=[DisputeFlag.of(f) for f in flags],
            resolution=str(d.resolution) if d.resolution else None,
            resolved_at=d.resolved_at,
            withdrawn_at=d.withdrawn_at,
            created_at=d.opened_at,
        )


class DisputeList(ResponseBody):
    data: list[Dispute]
