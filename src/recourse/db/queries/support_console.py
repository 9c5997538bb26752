"""Read side of support's dispute console (D5): the agents one can give a case to, the count
next to Disputes in support's header, and which orders of the queue have a dispute deadline
past that decides something (so a read applies it first, §10)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.queries.due import DEADLINE_DECIDES
from recourse.domain.disputes import DisputeStatus


def support_agents(session: Session) -> dict[int, str]:
    """Every support agent by id, by name."""
    rows = session.execute(
        select(m.UserRow.id, m.UserRow.name)
        .where(m.UserRow.role == "support")
        .order_by(m.UserRow.name, m.UserRow.id)
    )
    return {user_id: name for user_id, name in rows}


def dispute_currencies(session: Session) -> list[str]:
    """The currencies of the disputed orders, most disputes first (the queue's amount filter
    is in one of them)."""
    rows = session.execute(
        select(m.OrderRow.currency, func.count())
        .join(m.DisputeRow, m.DisputeRow.order_id == m.OrderRow.id)
        .group_by(m.OrderRow.currency)
        .order_by(func.count().desc(), m.OrderRow.currency)
    )
    return [currency for currency, _ in rows]


def unassigned_escalated(session: Session) -> int:
    """Escalated disputes no agent has taken, and appealed ones without their appeal's agent."""
    d = m.DisputeRow
    waiting = ((d.status == str(DisputeStatus.escalated)) & d.assignee_id.is_(None)) | (
        (d.status == str(DisputeStatus.appealed)) & d.appeal_assignee_id.is_(None)
    )
    return int(session.scalar(select(func.count()).select_from(d).where(waiting)) or 0)


def orders_with_disputes_due(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Orders with a dispute whose deadline passed and decides something (the seller's silence,
    negotiation running out, the appeal window closing): what the queue settles before it
    reads, so a dispute escalated by its clock is in it even with the worker down."""
    d = m.DisputeRow
    return sorted(
        set(
            session.scalars(
                select(d.order_id)
                .where(d.status.in_([str(s) for s in DEADLINE_DECIDES]), d.due_at <= now)
                .order_by(d.due_at)
                .limit(limit)
            )
        )
    )
