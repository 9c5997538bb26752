"""Read side of support tickets (H2 "Contact support"): support's queue, open first and oldest
first, and one order's tickets, with who opened each and where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.tickets import TicketStatus

QUEUE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TicketView:
    id: int
    order_id: int
    store_id: int
    store_name: str
    opened_by_id: int
    opener_name: str
    opener_email: str
    opener_role: str
    message: str
    status: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


def _select() -> Any:  # a Select of the columns below
    t = m.SupportTicketRow
    return (
        select(
            t.id,
            t.order_id,
            m.OrderRow.store_id,
            m.StoreRow.name,
            t.opened_by_id,
            m.UserRow.name,
            m.UserRow.email,
            t.opener_role,
            t.message,
            t.status,
            t.created_at,
            t.updated_at,
            t.closed_at,
        )
        .join(m.OrderRow, m.OrderRow.id == t.order_id)
        .join(m.StoreRow, m.StoreRow.id == m.OrderRow.store_id)
        .join(m.UserRow, m.UserRow.id == t.opened_by_id)
    )


def _views(session: Session, stmt: Select[Any]) -> list[TicketView]:
    return [TicketView(*row) for row in session.execute(stmt)]


def ticket_queue(
    session: Session, *, status: TicketStatus | None = None, limit: int = QUEUE_LIMIT
) -> list[TicketView]:
    """Support's queue: open tickets first, then answered, then closed; oldest first in each
    (the one waiting longest is on top)."""
    t = m.SupportTicketRow
    rank = case(
        (t.status == TicketStatus.open.value, 0),
        (t.status == TicketStatus.answered.value, 1),
        else_=2,
    )
    stmt = _select()
    if status is not None:
        stmt = stmt.where(t.status == status.value)
    return _views(session, stmt.order_by(rank, t.created_at, t.id).limit(limit))


def order_tickets(session: Session, order_id: int) -> list[TicketView]:
    """One order's tickets, oldest first (for support's order page)."""
    t = m.SupportTicketRow
    return _views(session, _select().where(t.order_id == order_id).order_by(t.created_at, t.id))


def ticket(session: Session, ticket_id: int) -> TicketView | None:
    found = _views(session, _select().where(m.SupportTicketRow.id == ticket_id))
    return found[0] if found else None
