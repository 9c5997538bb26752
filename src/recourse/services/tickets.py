"""H2 "Contact support": a buyer or a seller opens a ticket about one of their orders; support
closes it from its queue. Each step is one transaction and one timeline entry, which only the
opener's side and support see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recourse.domain.errors import NotFound
from recourse.domain.roles import Actor, Role
from recourse.domain.tickets import (
    DUPLICATE_WINDOW,
    TicketStatus,
    can_close,
    clean_message,
    is_duplicate,
    opener_role,
    ticket_transition,
)
from recourse.domain.timeline import TimelineEntry
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.tickets import NewTicket
from recourse.services.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class TicketOpened:
    ticket_id: int
    created: bool
    """False when the same message was sent again within the window: the first one stands."""


def _timeline(
    order_id: int, opener: Role, actor: Actor, action: str, at: datetime, ticket_id: int
) -> TimelineEntry:
    """Seen by support and by the opener's side only: a buyer's note to support is not the
    seller's to read, nor the other way round."""
    return TimelineEntry(
        order_id=order_id,
        at=at,
        actor=actor,
        action=action,
        data={"ticket_id": ticket_id},
        visible_to_buyer=opener is Role.buyer,
        visible_to_seller=opener is Role.seller,
    )


def open_ticket(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, message: str
) -> TicketOpened:
    """The order's buyer or one of its sellers writes to support (another party's order is not
    found; support and the operator may not open one). The order row is locked, so a form sent
    twice at once opens one ticket."""
    text = clean_message(message)
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        role = opener_role(actor, buyer_id=order.buyer_id, store_id=order.store_id)
        assert actor.user_id is not None
        now = ctx.clock.now()
        for earlier in uow.support_tickets.latest_by(
            order.id, actor.user_id, now - DUPLICATE_WINDOW
        ):
            if is_duplicate(
                earlier_message=earlier.message,
                earlier_at=earlier.created_at,
                message=text,
                now=now,
            ):
                return TicketOpened(earlier.id, created=False)
        ticket_id = uow.support_tickets.add(
            NewTicket(
                order_id=order.id,
                opened_by_id=actor.user_id,
                opener_role=role,
                message=text,
                at=now,
            )
        )
        uow.timeline.add(_timeline(order.id, role, actor, "support_ticket.opened", now, ticket_id))
        uow.commit()
    return TicketOpened(ticket_id, created=True)


def close_ticket(uow: UnitOfWork, ctx: Context, *, actor: Actor, ticket_id: int) -> None:
    """Support closes a ticket it has dealt with; closing a closed one is a conflict."""
    if not can_close(actor):
        raise NotFound("ticket.no_such")
    assert actor.user_id is not None
    with uow:
        ticket = uow.support_tickets.get(ticket_id, for_update=True)
        if ticket is None:
            raise NotFound("ticket.no_such")
        ticket_transition(ticket.status, TicketStatus.closed)
        now = ctx.clock.now()
        uow.support_tickets.close(ticket.id, by=actor.user_id, at=now)
        uow.timeline.add(
            _timeline(
                ticket.order_id,
                ticket.opener_role,
                actor,
                "support_ticket.closed",
                now,
                ticket.id,
            )
        )
        uow.commit()
