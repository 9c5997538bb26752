"""H2 "Contact support": the tickets buyers and sellers open about an order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.roles import Role
from recourse.domain.tickets import TicketStatus


@dataclass(frozen=True, slots=True)
class NewTicket:
    order_id: int
    opened_by_id: int
    opener_role: Role
    message: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SupportTicket:
    id: int
    order_id: int
    opened_by_id: int
    opener_role: Role
    message: str
    status: TicketStatus
    created_at: datetime
    updated_at: datetime
    closed_by_id: int | None = None
    closed_at: datetime | None = None


class SupportTickets(Protocol):
    def add(self, ticket: NewTicket) -> int: ...
    def get(self, ticket_id: int, *, for_update: bool = False) -> SupportTicket | None: ...
    def latest_by(self, order_id: int, user_id: int, since: datetime) -> list[SupportTicket]:
        """The person's tickets on this order opened at or after `since`, newest first."""
        ...

    def close(self, ticket_id: int, *, by: int, at: datetime) -> None: ...
