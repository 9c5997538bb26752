"""Support's orders: every order, filtered by store or buyer, and one order with its full
timeline (entries hidden from a party marked as such)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries.orders import (
    TABS,
    line_summaries,
    list_orders,
    order_detail,
    search_orders,
    tab_counts,
)
from recourse.db.queries.stores import all_stores
from recourse.db.queries.timeline import audit_timeline
from recourse.db.queries.users import user_names
from recourse.domain.errors import NotFound
from recourse.domain.roles import Actor, Role
from recourse.web.deps import ContainerDep, ReadSession
from recourse.web.language import words
from recourse.web.pages.common import SupportUser, optional_int, query_string
from recourse.web.pages.shared import present_orders
from recourse.web.pages.shared.present_case_facts import case_facts
from recourse.web.routers import page_router
from recourse.web.settled import settle_order
from recourse.web.templating import render

router = page_router("/support")


@router.get("/orders")
def all_orders(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    tab: str = "all",
    store: str | None = None,
    buyer: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
) -> Response:
    tab = tab if tab in TABS else "all"
    store_id = optional_int(store, "store")
    typed_buyer = optional_int(buyer, "buyer")
    query = (q or "").strip()[:254]
    # One box for an order number, a marketplace reference or a buyer's email (exact).
    found = search_orders(session, query)
    buyer_id = typed_buyer
    if found.buyer_id is not None:  # an email and a buyer id that disagree find nothing
        buyer_id = found.buyer_id if typed_buyer in (None, found.buyer_id) else -1
    now = c.clock.now()
    actor = user.actor()
    page = list_orders(
        session,
        actor,
        now,
        tab=tab,
        store_id=store_id,
        buyer_id=buyer_id,
        order_ids=found.order_ids,
        cursor=optional_int(cursor, "cursor"),
    )
    # Counting as that buyer would see them keeps the tab counts equal to the filtered list.
    counted_as = actor if buyer_id is None else Actor(Role.buyer, buyer_id)
    counts = tab_counts(session, counted_as, now, store_id=store_id, order_ids=found.order_ids)
    filters = {"tab": tab, "store": store_id, "buyer": typed_buyer, "q": query}
    return render(
        request,
        "orders/support_orders.html",
        {
            "user": user,
            "tabs": present_orders.tabs(counts, tab, words(request)),
            "tab": tab,
            "store_id": store_id,
            "buyer_id": typed_buyer,
            "q": query,
            "stores": all_stores(session),
            "rows": present_orders.order_rows(
                page.items,
                line_summaries(session, [o.id for o in page.items]),
                now,
                words(request),
            ),
            "filter_query": query_string(store=store_id, buyer=typed_buyer, q=query),
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
    settle_order(c, order_id)
    now = c.clock.now()
    detail = order_detail(session, user.actor(), order_id, now)
    if detail is None:
        raise NotFound("page.no_order", order_id=order_id)
    audit = audit_timeline(session, order_id)
    entries = [a.entry for a in audit]
    return render(
        request,
        "orders/support_order.html",
        {
            "user": user,
            "facts": case_facts(session, order_id, now),  # C10/F5: no scan, gateway history
            **present_orders.order_page(
                detail,
                audience=Role.support,
                viewer_id=user.id,
                words=words(request),
                now=now,
                names=user_names(session, present_orders.actor_ids(entries)),
                entries=entries,
                hidden=[
                    present_orders.hidden_from(
                        a.visible_to_buyer, a.visible_to_seller, words(request)
                    )
                    for a in audit
                ],
            ),
        },
    )
