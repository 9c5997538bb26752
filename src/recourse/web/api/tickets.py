"""H2 "Contact support" (§8, §12): the buyer or a seller of an order opens a ticket about it;
support and the operator read the queue."""

from __future__ import annotations

from typing import Literal

from fastapi import Response, status
from pydantic import Field

from recourse.db.queries.tickets import ticket, ticket_queue
from recourse.domain.errors import NotAllowed, NotFound
from recourse.domain.tickets import MESSAGE_MAX, TicketStatus
from recourse.services import tickets
from recourse.web.api.fields import Id, Prose
from recourse.web.api.responses.tickets import SupportTicket, SupportTicketList
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, ReadSession
from recourse.web.routers import api_router

router = api_router("support tickets")


class TicketIn(Strict):
    message: Prose = Field(
        min_length=1,
        max_length=2 * MESSAGE_MAX,
        description=f"what the opener needs help with: 1 to {MESSAGE_MAX} characters once "
        "trimmed; line breaks and tabs allowed, other control characters not",
    )


@router.post(
    "/orders/{order_id}/support-tickets",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "description": "the same message sent again within a minute: the first "
            "ticket, unchanged",
            "model": SupportTicket,
        }
    },
)
def open_ticket(
    order_id: Id, body: TicketIn, actor: ApiActor, c: ContainerDep, response: Response
) -> SupportTicket:
    """The order's buyer or one of its sellers writes to support about it. Someone else's
    order is not found; support and the operator may not open a ticket (403)."""
    opened = tickets.open_ticket(
        c.uow(), c.ctx, actor=actor, order_id=order_id, message=body.message
    )
    if not opened.created:
        response.status_code = status.HTTP_200_OK
    with c.read_session() as session:
        view = ticket(session, opened.ticket_id)
    if view is None:  # closed and gone between the two reads: cannot happen, tickets stay
        raise NotFound("ticket.no_such")
    return SupportTicket.of(view)


@router.get("/support-tickets")
def list_tickets(
    actor: ApiActor,
    session: ReadSession,
    status: Literal["open", "answered", "closed"] | None = None,
) -> SupportTicketList:
    """Support's queue (support and the operator): open first, oldest first; `status` keeps
    one state."""
    if not actor.sees_everything:
        raise NotAllowed("ticket.queue_is_supports")
    found = ticket_queue(session, status=TicketStatus(status) if status else None)
    return SupportTicketList(data=[SupportTicket.of(v) for v in found])
