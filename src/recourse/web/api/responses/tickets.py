"""H2 "Contact support": a ticket as the API returns it, and support's queue."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from recourse.db.queries.tickets import TicketView
from recourse.web.api.responses.common import Moment, ResponseBody


class SupportTicket(ResponseBody):
    """A message a buyer or a seller sent to support about one order."""

    id: int
    order_id: int
    store_id: int
    opened_by: int = Field(description="the user who opened it")
    opener_role: Literal["buyer", "seller"]
    message: str = Field(description="trimmed; line breaks kept")
    status: Literal["open", "answered", "closed"]
    created_at: Moment
    updated_at: Moment
    closed_at: Moment | None

    @classmethod
    def of(cls, view: TicketView) -> SupportTicket:
        return cls(
            id=view.id,
            order_id=view.order_id,
            store_id=view.store_id,
            opened_by=view.opened_by_id,
            opener_role=view.opener_role,
            message=view.message,
            status=view.status,
            created_at=view.created_at,
            updated_at=view.updated_at,
            closed_at=view.closed_at,
        )


class SupportTicketList(ResponseBody):
    """Support's queue: open tickets first, then answered, then closed; oldest first in each."""

    data: list[SupportTicket]
