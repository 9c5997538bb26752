"""The seller's orders: their stores' orders and one order. Marking it as shipped is in
shipping.py, which shows this order page again with the ship form's error."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recourse.db.queries.orders import TABS, line_summaries, list_orders, order_detail, tab_counts
from recourse.db.queries.stores import stores_of
from recourse.db.queries.users import user_names
from recourse.domain.accounts import User
from recourse.domain.errors import NotFound
from recourse.domain.roles import Role
from recourse.web.deps import ContainerDep, ReadSession
from recourse.web.language import words
from recourse.web.pages.common import SellerUser, optional_int, query_string
from recourse.web.pages.shared import present_orders
from recourse.web.routers import page_router
from recourse.web.settled import settle_listed, settle_order
from recourse.web.templating import render

router = page_router("/seller")


@router.get("/orders")
def seller_orders(
    request: Request,
    user: SellerUser,
    c: ContainerDep,
    session: ReadSession,
    tab: str = "all",
    store: str | None = None,
    cursor: str | None = None,
) -> Response:
    tab = tab if tab in TABS else "all"
    store_id = optional_int(store, "store")
    store_id = store_id if store_id in user.store_ids else None
    now = c.clock.now()
    actor = user.actor()
    page = list_orders(
        session, actor, now, tab=tab, store_id=store_id, cursor=optional_int(cursor, "cursor")
    )
    if settle_listed(c, session, [o.id for o in page.items]):
        page = list_orders(
            session, actor, now, tab=tab, store_id=store_id, cursor=optional_int(cursor, "cursor")
        )
    lines = line_summaries(session, [o.id for o in page.items])
    counts = tab_counts(session, actor, now, store_id=store_id)
    return render(
        request,
        "orders/seller_orders.html",
        {
            "user": user,
            "tabs": present_orders.tabs(counts, tab, words(request)),
            "tab": tab,
            "store_id": store_id,
            "stores": stores_of(session, user.store_ids),
            "rows": present_orders.order_rows(page.items, lines, now, words(request)),
            "older": (
                query_string(tab=tab, store=store_id, cursor=page.next_cursor)
                if page.next_cursor
                else None
            ),
            "newest": query_string(tab=tab, store=store_id) if cursor else None,
        },
    )


@router.get("/orders/{order_id}")
def seller_order(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, session: ReadSession
) -> Response:
    settle_order(c, order_id)
    return order_page(request, c, session, user, order_id)


def order_page(
    request: Request,
    c: ContainerDep,
    session: Any,
    user: User,
    order_id: int,
    *,
    ship_form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """One order as its seller sees it; with `ship_form`, the ship form sent back with its error."""
    now = c.clock.now()
    detail = order_detail(session, user.actor(), order_id, now)
    if detail is None:
        raise NotFound("page.no_order", order_id=order_id)
    return render(
        request,
        "orders/seller_order.html",
        {
            "user": user,
            **present_orders.order_page(
                detail,
                audience=Role.seller,
                viewer_id=user.id,
                words=words(request),
                now=now,
                names=user_names(session, present_orders.actor_ids(detail.timeline)),
            ),
            "ship_form": ship_form or {"values": None, "error": None, "field": None},
        },
        status_code=status_code,
    )
