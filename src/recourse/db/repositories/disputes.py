"""Repository of disputes (D1-D7): the case, its proposals and support's questions.

One open dispute per order is kept by the unique `open_order_id` (the order's id while the
dispute is open, NULL after): a second opening, concurrent or not, fails on the index, and
`add` turns that into the conflict the rules would have said."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.preload import held_in_order
from recourse.db.repositories.writes import hold, new_mapped, order_of, set_columns
from recourse.domain.disputes import (
    OPEN_STATUSES,
    Decision,
    Dispute,
    DisputeStatus,
    DisputeType,
    InfoRequest,
    Outcome,
    Party,
    Proposal,
    Resolution,
    Wanted,
)
from recourse.domain.errors import RuleConflict
from recourse.services.ports.disputes import NewDispute

_ENUMS = ("status", "wanted", "outcome", "appeal_outcome", "appealed_by", "resolution")


def _decision(row: m.DisputeRow, prefix: str) -> Decision | None:
    outcome = getattr(row, f"{prefix}outcome")
    if outcome is None:
        return None
    return Decision(
        outcome=Outcome(outcome),
        amount=getattr(row, f"{prefix}decided_amount"),
        rationale=getattr(row, f"{prefix}rationale") or "",
        decided_by_id=getattr(row, f"{prefix}decided_by_id"),
        decided_at=getattr(row, f"{prefix}decided_at"),
        charged_to_store=bool(getattr(row, f"{prefix}charged_to_store")),
    )


def dispute_from_row(row: m.DisputeRow) -> Dispute:
    return Dispute(
        id=row.id,
        order_id=row.order_id,
        store_id=row.store_id,
        type=DisputeType(row.type),
        status=DisputeStatus(row.status),
        wanted=Wanted(row.wanted),
        amount=row.amount,
        description=row.description,
        opened_by_id=row.opened_by_id,
        opened_at=row.opened_at,
        cancellation_id=row.cancellation_id,
        return_id=row.return_id,
        refund_id=row.refund_id,
        respond_by=row.respond_by,
        escalate_at=row.escalate_at,
        proposals=tuple(
            Proposal(
                id=p.id,
                by=Party(p.party),
                wanted=Wanted(p.wanted),
                amount=p.amount,
                note=p.note,
                created_at=p.created_at,
            )
            for p in sorted(row.proposals, key=lambda p: p.id)
        ),
        escalated_at=row.escalated_at,
        escalated_by=row.escalated_by,
        sla_due_at=row.sla_due_at,
        assignee_id=row.assignee_id,
        info_requests=tuple(
            InfoRequest(
                id=r.id,
                party=Party(r.party),
                question=r.question,
                due_at=r.due_at,
                asked_by_id=r.asked_by_id,
                created_at=r.created_at,
                answer=r.answer,
                answered_at=r.answered_at,
            )
            for r in sorted(row.info_requests, key=lambda r: r.id)
        ),
        decision=_decision(row, ""),
        appeal_by=row.appeal_by,
        appealed_by=Party(row.appealed_by) if row.appealed_by else None,
        appealed_at=row.appealed_at,
        appeal_assignee_id=row.appeal_assignee_id,
        appeal_decision=_decision(row, "appeal_"),
        resolution=Resolution(row.resolution) if row.resolution else None,
        resolved_at=row.resolved_at,
        withdrawn_at=row.withdrawn_at,
        due_at=row.due_at,
    )


class SqlDisputes:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, new: NewDispute) -> int:
        n = new
        row = new_mapped(
            m.DisputeRow,
            order_id=n.order_id,
            store_id=n.store_id,
            type=str(n.type),
            status=str(n.status),
            wanted=str(n.wanted),
            amount=n.amount,
            description=n.description,
            opened_by_id=n.opened_by_id,
            opened_at=n.opened_at,
            open_order_id=n.order_id if n.status in OPEN_STATUSES else None,
            request_key=n.request_key,
            cancellation_id=n.cancellation_id,
            return_id=n.return_id,
            refund_id=n.refund_id,
            respond_by=n.respond_by,
            escalate_at=n.escalate_at,
            due_at=n.due_at,
        )
        try:
            with self.s.begin_nested():
                self.s.add(row)
                self.s.flush()
        except IntegrityError:
            # D2: another dispute of the order is open (committed by a concurrent opening)
            held = self.s.scalar(
                select(m.DisputeRow.id).where(m.DisputeRow.open_order_id == n.order_id)
            )
            raise RuleConflict("dispute_already_open", dispute_id=held) from None
        hold(self.s, row)
        return row.id

    def get(self, dispute_id: int, *, for_update: bool = False) -> Dispute | None:
        if for_update:
            stmt = (
                select(m.DisputeRow)
                .where(m.DisputeRow.id == dispute_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            row = self.s.scalars(stmt).first()
        else:
            row = self.s.get(m.DisputeRow, dispute_id)
        hold(self.s, row)
        return dispute_from_row(row) if row else None

    def id_by_request(self, order_id: int, request_key: str) -> int | None:
        return self.s.scalar(
            select(m.DisputeRow.id).where(
                m.DisputeRow.order_id == order_id, m.DisputeRow.request_key == request_key
            )
        )

    def for_order(self, order_id: int) -> list[Dispute]:
        held = held_in_order(self.s, m.DisputeRow, order_id, "opened_at")
        if held is not None:  # the transaction locked the order and holds its disputes
            return [dispute_from_row(r) for r in held]
        rows = self.s.scalars(
            select(m.DisputeRow)
            .where(m.DisputeRow.order_id == order_id)
            .order_by(m.DisputeRow.opened_at, m.DisputeRow.id)
        )
        return [dispute_from_row(r) for r in rows]

    def update(self, dispute_id: int, **values: Any) -> None:
        """Set on the row the session holds; written with the next flush. A status change
        keeps `open_order_id` with it: the order's id while open, NULL after."""
        for name in _ENUMS:
            if values.get(name) is not None:
                values[name] = str(values[name])
        if "status" in values:
            row = self.s.get(m.DisputeRow, dispute_id)
            assert row is not None
            is_open = DisputeStatus(values["status"]) in OPEN_STATUSES
            values["open_order_id"] = row.order_id if is_open else None
        set_columns(self.s, m.DisputeRow, dispute_id, values)

    def add_proposal(
        self,
        dispute_id: int,
        *,
        party: Party,
        wanted: Wanted,
        amount: int | None,
        note: str | None,
        at: datetime,
    ) -> int:
        row = m.DisputeProposalRow(
            dispute_id=dispute_id,
            order_id=order_of(self.s, m.DisputeRow, dispute_id),
            party=str(party),
            wanted=str(wanted),
            amount=amount,
            note=note,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        self._refresh(dispute_id)
        return row.id

    def add_info_request(
        self,
        dispute_id: int,
        *,
        party: Party,
        question: str,
        due_at: datetime,
        asked_by_id: int,
        at: datetime,
    ) -> int:
        row = m.DisputeInfoRequestRow(
            dispute_id=dispute_id,
            order_id=order_of(self.s, m.DisputeRow, dispute_id),
            party=str(party),
            question=question,
            due_at=due_at,
            asked_by_id=asked_by_id,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        self._refresh(dispute_id)
        return row.id

    def answer_info(self, request_id: int, *, answer: str, at: datetime) -> None:
        set_columns(
            self.s, m.DisputeInfoRequestRow, request_id, {"answer": answer, "answered_at": at}
        )
        self.s.flush()
        row = self.s.get(m.DisputeInfoRequestRow, request_id)
        assert row is not None
        self._refresh(row.dispute_id)

    def dispute_of_info_request(self, request_id: int) -> int | None:
        return self.s.scalar(
            select(m.DisputeInfoRequestRow.dispute_id).where(
                m.DisputeInfoRequestRow.id == request_id
            )
        )

    def _refresh(self, dispute_id: int) -> None:
        row = self.s.get(m.DisputeRow, dispute_id)
        if row is not None:
            self.s.expire(row, ["proposals", "info_requests"])

    def cancellation_rejected_at(self, cancellation_id: int) -> datetime | None:
        return self.s.scalar(
            select(m.CancellationRow.decided_at).where(
                m.CancellationRow.id == cancellation_id, m.CancellationRow.status == "rejected"
            )
        )

    def latest_rejected_cancellation(self, order_id: int) -> int | None:
        return self.s.scalar(
            select(m.CancellationRow.id)
            .where(m.CancellationRow.order_id == order_id, m.CancellationRow.status == "rejected")
            .order_by(m.CancellationRow.id.desc())
            .limit(1)
        )

    def latest_unarrived_refund(self, order_id: int) -> int | None:
        return self.s.scalar(
            select(m.RefundRow.id)
            .where(
                m.RefundRow.order_id == order_id,
                m.RefundRow.status.not_in(["succeeded", "failed"]),
            )
            .order_by(m.RefundRow.id.desc())
            .limit(1)
        )

    def refunded_by(self, order_id: int, cause_ref: str) -> int:
        total = self.s.scalar(
            select(func.coalesce(func.sum(m.RefundRow.amount), 0)).where(
                m.RefundRow.order_id == order_id,
                m.RefundRow.cause_ref == cause_ref,
                m.RefundRow.status != "failed",
            )
        )
        return int(total or 0)

    def is_support(self, user_id: int) -> bool:
        role = self.s.scalar(select(m.UserRow.role).where(m.UserRow.id == user_id))
        return role == "support"
