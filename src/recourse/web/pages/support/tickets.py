"""Support's side of "Contact support" (H2): the queue of tickets (open first, the one waiting
longest on top) with a Close button, and the tickets of one order on its page (the
`order_support_tickets()` global that `tickets/_order_tickets.html` reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries.tickets import TicketView, order_tickets, ticket_queue
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.roles import Role
from recourse.domain.tickets import TicketStatus
from recourse.i18n import N_, Words
from recourse.services import tickets
from recourse.texts import error_message
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.language import words
from recourse.web.pages.common import FormFields, SupportUser, safe_next, see_other
from recourse.web.routers import page_router
from recourse.web.templating import render, templates

router = page_router("/support")

EXCERPT = 140
FILTERS = {"open": TicketStatus.open, "closed": TicketStatus.closed, "all": None}
ROLES = {"buyer": N_("buyer"), "seller": N_("seller")}


@dataclass(frozen=True, slots=True)
class TicketRow:
    view: TicketView
    role: str
    age: str
    excerpt: str


def age(since: datetime, now: datetime, words: Words) -> str:
    """How long a ticket has waited, in the largest whole unit: '5 minutes', '3 hours'."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return words.ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if minutes < 48 * 60:
        return words.ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return words.ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))


def excerpt(message: str, limit: int = EXCERPT) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1].rstrip()}…"


def rows(views: list[TicketView], now: datetime, words: Words) -> list[TicketRow]:
    return [
        TicketRow(
            view=v,
            role=words._(ROLES.get(v.opener_role, v.opener_role)),
            age=age(v.created_at, now, words),
            excerpt=excerpt(v.message),
        )
        for v in views
    ]


@router.get("/tickets")
def queue(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    status: str = "open",
) -> Response:
    shown = status if status in FILTERS else "open"
    views = ticket_queue(session, status=FILTERS[shown])
    return render(
        request,
        "tickets/support_queue.html",
        {
            "user": user,
            "status": shown,
            "tickets": rows(views, c.clock.now(), words(request)),
        },
    )


@router.post("/tickets/{ticket_id}/close")
def close(
    request: Request, ticket_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    back = safe_next(form.get("next")) or "/support/tickets"
    try:
        check_csrf(request, form.get("csrf_token"))
        tickets.close_ticket(c.uow(), c.ctx, actor=user.actor(), ticket_id=ticket_id)
    except NotFound:
        raise
    except DomainError as error:
        flash(request, error_message(error, words(request)), "error")
        return see_other(back)
    flash(request, words(request)._(N_("Ticket #%(id)s closed."), id=ticket_id))
    return see_other(back)


@pass_context
def order_support_tickets(context: TemplateContext) -> list[TicketRow]:
    """The tickets of the order on the page, for support's order page only."""
    user = context.get("user")
    request = context.get("request")
    detail = context.get("detail")
    if user is None or request is None or detail is None or user.role is not Role.support:
        return []
    c: Container = request.app.state.container
    with c.read_session() as session:
        views = order_tickets(session, detail.order.id)
    return rows(views, c.clock.now(), words(request))


templates.env.globals["order_support_tickets"] = order_support_tickets
