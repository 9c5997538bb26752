"""D5/D6 support's dispute queue (`/support/disputes`): escalated and appealed disputes, the
soonest SLA first, with its filters (type, age, amount in one currency, store, assignee,
status) and assignment, and the number of disputes no agent has taken in support's header.
A passed deadline is applied before the queue is read. A case's page is in `disputes`."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.db.queries.disputes import support_queue
from recourse.db.queries.stores import all_stores
from recourse.db.queries.support_console import (
    dispute_currencies,
    orders_with_disputes_due,
    support_agents,
    unassigned_escalated,
)
from recourse.domain.accounts import User
from recourse.domain.disputes import DisputeStatus, DisputeType
from recourse.domain.roles import Role
from recourse.services import settle
from recourse.texts import label
from recourse.texts.disputes import STATUS_LABELS, TYPE_LABELS
from recourse.web import language
from recourse.web.deps import ContainerDep
from recourse.web.pages.common import SupportUser, optional_int, query_string
from recourse.web.pages.shared import present_support_disputes as console
from recourse.web.pages.support.refunds import parse_amount
from recourse.web.routers import page_router
from recourse.web.templating import render, templates

router = page_router("/support")

# The queue's amount filter is in one currency (no conversion): the amount typed is read in
# that currency's minor units and only that currency's orders are kept.
DEFAULT_CURRENCY = "EUR"
# Status filter: by default what waits for support (escalated and appealed).
STATUS_CHOICES = ("waiting", "open", "all", *(str(s) for s in DisputeStatus))


def _assignee_filter(value: str | None, user: User) -> tuple[int | None, bool, str]:
    """(assignee id, unassigned only, the value kept in the form)."""
    text = (value or "").strip()
    if text == "mine":
        return user.id, False, text
    if text == "unassigned":
        return None, True, text
    if text.isascii() and text.isdigit():
        return int(text), False, text
    return None, False, ""


def _settle_queue(c: Container) -> None:
    """§10: disputes whose clock decided something (silence, negotiation running out, an
    appeal window closing) are moved on before the queue is read, worker or not."""
    with c.read_session() as session:
        due = orders_with_disputes_due(session, c.clock.now())
    if due:
        settle.settle_orders(c.uow(), c.ctx, due)


@router.get("/disputes")
def queue(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    type: str | None = None,
    age: str | None = None,
    amount: str | None = None,
    currency: str | None = None,
    store: str | None = None,
    assignee: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
) -> Response:
    words = language.words(request)
    _settle_queue(c)
    now = c.clock.now()
    kind = type if type in set(DisputeType) else None
    days = optional_int(age, "age")
    typed_amount = (amount or "").strip()
    with c.read_session() as session:
        currencies = dispute_currencies(session)
    in_currency = currency if currency in currencies else (currencies or [DEFAULT_CURRENCY])[0]
    at_least = parse_amount(typed_amount, in_currency) if typed_amount else None
    store_id = optional_int(store, "store")
    assignee_id, unassigned, assignee_kept = _assignee_filter(assignee, user)
    chosen_status = status if status in STATUS_CHOICES else "waiting"
    with c.read_session() as session:
        page = support_queue(
            session,
            now=now,
            type=kind,
            min_age=timedelta(days=days) if days else None,
            min_amount=at_least,
            currency=in_currency,
            store_id=store_id,
            assignee_id=assignee_id,
            unassigned=unassigned,
            status=None if chosen_status == "waiting" else chosen_status,
            cursor=optional_int(cursor, "cursor"),
        )
        agents = support_agents(session)
        stores = all_stores(session)
    filters = {
        "type": kind,
        "age": days,
        "amount": typed_amount or None,
        "currency": in_currency if typed_amount else None,
        "store": store_id,
        "assignee": assignee_kept or None,
        "status": None if chosen_status == "waiting" else chosen_status,
    }
    here = f"/support/disputes{query_string(**filters)}"
    return render(
        request,
        "disputes/support_queue.html",
        {
            "user": user,
            "rows": [console.queue_row(v, now, words, user.id, agents) for v in page.items],
            "currencies": currencies,
            "filters": filters,
            "types": {str(t): label(TYPE_LABELS, str(t), words) for t in DisputeType},
            "statuses": {str(s): label(STATUS_LABELS, str(s), words) for s in DisputeStatus},
            "agents": agents,
            "stores": stores,
            "here": here,
            "older": query_string(**filters, cursor=page.next_cursor) if page.next_cursor else None,
            "newest": query_string(**filters) if cursor else None,
        },
    )


@pass_context
def unassigned_disputes(context: TemplateContext) -> int:
    """The number next to Disputes in support's header: escalated (or appealed) disputes no
    agent has taken yet."""
    user = context.get("user")
    request = context.get("request")
    if user is None or request is None or user.role is not Role.support:
        return 0
    c: Container = request.app.state.container
    with c.read_session() as session:
        return unassigned_escalated(session)


templates.env.globals["unassigned_disputes"] = unassigned_disputes
