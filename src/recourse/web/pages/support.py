"""Support's pages: every order with its full timeline, and messages that could not be delivered."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recourse.db import outbox, queries
from recourse.domain.errors import NotFound
from recourse.domain.roles import Actor, Role
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.pages import present
from recourse.web.pages.common import (
    FormFields,
    SupportUser,
    optional_int,
    query_string,
    see_other,
)
from recourse.web.templating import render

router = APIRouter(prefix="/support")


@router.get("/orders")
def all_orders(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    tab: str = "all",
    store: str | None = None,
    buyer: str | None = None,
    cursor: str | None = None,
) -> Response:
    tab = tab if tab in queries.TABS else "all"
    store_id = optional_int(store, "store")
    buyer_id = optional_int(buyer, "buyer")
    now = c.clock.now()
    actor = user.actor()
    page = queries.list_orders(
        session,
        actor,
        now,
        tab=tab,
        store_id=store_id,
        buyer_id=buyer_id,
        cursor=optional_int(cursor, "cursor"),
    )
    # Counting as that buyer would see them keeps the tab counts equal to the filtered list.
    counted_as = actor if buyer_id is None else Actor(Role.buyer, buyer_id)
    counts = queries.tab_counts(session, counted_as, now, store_id=store_id)
    filters = {"tab": tab, "store": store_id, "buyer": buyer_id}
    return render(
        request,
        "support/orders.html",
        {
            "user": user,
            "tabs": present.tabs(counts, tab),
            "tab": tab,
            "store_id": store_id,
            "buyer_id": buyer_id,
            "stores": queries.all_stores(session),
            "rows": present.order_rows(
                page.items, queries.line_summaries(session, [o.id for o in page.items]), now
            ),
            "filter_query": query_string(store=store_id, buyer=buyer_id),
            "older": (
                query_string(**filters, cursor=page.next_cursor) if page.next_cursor else None
            ),
            "newest": query_string(**filters) if cursor else None,
        },
    )


@router.get("/orders/{order_id}")
def support_order(
    request: Request, order_id: int, user: SupportUser, c: ContainerDep, session: ReadSession
) -> Response:
    now = c.clock.now()
    detail = queries.order_detail(session, user.actor(), order_id, now)
    if detail is None:
        raise NotFound(f"No order {order_id}.")
    audit = queries.audit_timeline(session, order_id)
    entries = [a.entry for a in audit]
    return render(
        request,
        "support/order.html",
        {
            "user": user,
            **present.order_page(
                detail,
                audience=Role.support,
                viewer_id=user.id,
                tz=user.timezone,
                now=now,
                names=queries.user_names(session, present.actor_ids(entries)),
                entries=entries,
                hidden=[
                    present.hidden_from(a.visible_to_buyer, a.visible_to_seller) for a in audit
                ],
            ),
        },
    )


@router.get("/outbox")
def dead_letters(request: Request, user: SupportUser, c: ContainerDep) -> Response:
    return render(
        request,
        "support/outbox.html",
        {"user": user, "messages": outbox.dead_letters(c.engine)},
    )


@router.post("/outbox/{message_id}/retry")
def retry(
    request: Request, message_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    check_csrf(request, form.get("csrf_token"))
    if not outbox.retry_dead_letter(c.engine, message_id, c.clock.now()):
        raise NotFound(f"Message {message_id} is not waiting for a retry.")
    flash(request, f"Message {message_id} will be delivered again.")
    return see_other("/support/outbox")
