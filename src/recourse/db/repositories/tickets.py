"""Repository of support tickets (H2 "Contact support")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db.models.tickets import SupportTicketRow
from recourse.db.repositories.writes import note_order
from recourse.domain.roles import Role
from recourse.domain.tickets import TicketStatus
from recourse.services.ports.tickets import NewTicket, SupportTicket


def _ticket(row: SupportTicketRow) -> SupportTicket:
    return SupportTicket(
        id=row.id,
        order_id=row.order_id,
        opened_by_id=row.opened_by_id,
        opener_role=Role(row.opener_role),
        message=row.message,
        status=TicketStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_by_id=row.closed_by_id,
        closed_at=row.closed_at,
    )


class SqlSupportTickets:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, ticket: NewTicket) -> int:
        row = SupportTicketRow(
            order_id=ticket.order_id,
            opened_by_id=ticket.opened_by_id,
            opener_role=str(ticket.opener_role),
            message=ticket.message,
            status=str(TicketStatus.open),
            created_at=ticket.at,
            updated_at=ticket.at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, ticket.order_id)
        return row.id

    def get(self, ticket_id: int, *, for_update: bool = False) -> SupportTicket | None:
        stmt = select(SupportTicketRow).where(SupportTicketRow.id == ticket_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.s.scalar(stmt)
        return _ticket(row) if row is not None else None

    def latest_by(self, order_id: int, user_id: int, since: datetime) -> list[SupportTicket]:
        rows = self.s.scalars(
            select(SupportTicketRow)
            .where(
                SupportTicketRow.order_id == order_id,
                SupportTicketRow.opened_by_id == user_id,
                SupportTicketRow.created_at >= since,
            )
            .order_by(SupportTicketRow.created_at.desc(), SupportTicketRow.id.desc())
        )
        return [_ticket(row) for row in rows]

    def close(self, ticket_id: int, *, by: int, at: datetime) -> None:
        row = self.s.get(SupportTicketRow, ticket_id)
        assert row is not None
        row.status = str(TicketStatus.closed)
        row.closed_by_id = by
        row.closed_at = at
        row.updated_at = at
